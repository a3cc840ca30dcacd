using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

/// <summary>Random mutations of the repository's own *.conf files parse or fail with a positioned error, never hang.</summary>
public class RepositoryConfigMutationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void The_repository_has_the_expected_config_files_and_each_parses()
    {
        var files = RepositoryConfigs.AllConfFiles();
        string root = RepositoryConfigs.Root();
        var relative = files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToList();
        foreach (var expected in new[]
                 {
                     "scenarios/quickstart.conf", "cluster-config/single-node.conf", "cluster-config/postgresql.conf",
                     "src/Virtsim.Hosting/reference.conf", "src/Virtsim.Simulation/reference.conf",
                     "src/Virtsim.Fleet/reference.conf", "src/Virtsim.VhostUser/reference.conf",
                 })
        {
            Assert.Contains(expected, relative);
        }
        foreach (var f in files) Assert.NotEmpty(HoconConfig.ParseFile(f, new HoconParseOptions { Environment = _ => null }).Root.Keys);
    }

    [Fact]
    public void Mutated_repository_configs_parse_or_fail_with_a_positioned_hocon_exception() =>
        RepositoryConfigs.CheckMutations((path, text) =>
        {
            var options = new HoconParseOptions
            {
                SourceName = Path.GetFileName(path),
                BaseDirectory = Path.GetDirectoryName(path),
                Environment = _ => null,
            };
            _ = HoconConfig.Parse(text, options).ToJson();
        }, cases: 1500, Timeout);
}
