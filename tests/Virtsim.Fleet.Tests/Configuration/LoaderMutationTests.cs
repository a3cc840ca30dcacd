using FsCheck;
using FsCheck.Fluent;
using Virtsim.Cli.Configuration;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using Virtsim.Hocon.Tests;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Fleet.Tests.Configuration;

/// <summary>
/// The loaders on top of the HOCON reader (scenario, vendor profiles, cluster/node, persistence, vhost-user serve)
/// fed random mutations of the repository's own *.conf files: they load, or fail with a positioned
/// <see cref="HoconException"/>; no other exception escapes and nothing hangs.
/// </summary>
public class LoaderMutationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static void Load(string path, string text)
    {
        string root = RepositoryConfigs.Root();
        string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        var options = new HoconParseOptions
        {
            SourceName = Path.GetFileName(path),
            BaseDirectory = Path.GetDirectoryName(path),
            Environment = _ => null,
        };
        switch (relative)
        {
            // Interop matrices (docs/interop.md) are not fleet scenarios: their own loader reads them.
            case var s when s.StartsWith("scenarios/interop-", StringComparison.Ordinal) && s.EndsWith(".conf", StringComparison.Ordinal):
                _ = Virtsim.Experiments.Interop.MatrixLoader.Load(HoconConfig.Parse(text, options), relative);
                break;
            case var s when s.StartsWith("scenarios/", StringComparison.Ordinal):
            {
                // As the command reads a scenario file: the fleet reference below it, includes beside it.
                var scenario = HoconConfig.Parse(text, new HoconParseOptions
                {
                    SourceName = options.SourceName,
                    BaseDirectory = options.BaseDirectory,
                    Environment = options.Environment,
                    Fallback = Virtsim.Fleet.Configuration.FleetReference.Fleet,
                });
                _ = ScenarioKeys.Find(scenario, NodeSettingsLoader.SectionSchema); // the unknown-key walk never throws
                _ = ScenarioLoader.FromConfig(scenario);
                break;
            }
            case var s when s.StartsWith("cluster-config/", StringComparison.Ordinal):
            case "src/Virtsim.Hosting/reference.conf":
                _ = NodeSettingsLoader.FromConfig(HoconConfig.Parse(text, options), relative);
                _ = PersistenceSettingsLoader.FromConfig(HoconConfig.Parse(text, options));
                break;
            case "src/Virtsim.VhostUser/reference.conf":
                _ = ServeDefaults.FromConfig(HoconConfig.Parse(text, options), "serve.sock");
                break;
            case "src/Virtsim.Fleet/reference.conf":
            {
                // A mutated fleet reference under the real quickstart scenario: vendor profiles and defaults.
                var reference = HoconConfig.Parse(text, options);
                var fleet = reference.HasPath("virtsim.fleet") ? reference.GetConfig("virtsim.fleet") : HoconConfig.Empty;
                var scenario = HoconConfig.Parse(File.ReadAllText(Path.Combine(root, "scenarios", "quickstart.conf")),
                    new HoconParseOptions { Fallback = fleet, SourceName = "quickstart.conf", Environment = _ => null });
                _ = ScenarioLoader.FromConfig(scenario);
                break;
            }
            default:
                _ = HoconConfig.Parse(text, options);
                break;
        }
    }

    [Fact]
    public void The_unmutated_repository_configs_load()
    {
        foreach (var file in RepositoryConfigs.AllConfFiles()) Load(file, File.ReadAllText(file));
    }

    [Fact]
    public void Mutated_repository_configs_load_or_fail_with_a_positioned_error() =>
        RepositoryConfigs.CheckMutations(Load, cases: 1500, Timeout);
}
