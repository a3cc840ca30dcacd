using System.Text.Json;
using Virtsim.Cli;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary><c>virtsim config show FILE</c>: resolved JSON on stdout, or a positioned error on stderr.</summary>
public class ConfigCommandTests
{
    [Fact]
    public void Shows_the_resolved_configuration_as_json()
    {
        var dir = Directory.CreateTempSubdirectory("virtsim-config-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "base.conf"), "timing { doorbell = 2us }\n");
            var main = Path.Combine(dir.FullName, "node.conf");
            File.WriteAllText(main, "include \"base.conf\"\nnode { name = host-1, doorbell = ${timing.doorbell} }\nnode.tags += hw\n");
            var (code, stdout, stderr) = Run("config", "show", main);
            Assert.Equal(0, code);
            Assert.Equal("", stderr);
            var json = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal("2us", json.GetProperty("node").GetProperty("doorbell").GetString());
            Assert.Equal("hw", json.GetProperty("node").GetProperty("tags")[0].GetString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Shows_the_repository_scenario()
    {
        var (code, stdout, _) = Run("config", "show", Path.Combine(RepositoryRoot(), "scenarios", "quickstart.conf"));
        Assert.Equal(0, code);
        Assert.Equal("quickstart", JsonDocument.Parse(stdout).RootElement.GetProperty("scenario").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("a = {\n  b = ]\n", ":2:7:")]
    [InlineData("a = ${missing.path}\n", ":1:5:")]
    [InlineData("a = ${b}\nb = ${a}\n", ":")]
    public void Bad_files_give_a_positioned_error_and_exit_2(string text, string position)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            var (code, stdout, stderr) = Run("config", "show", file);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains(position, stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        var (code, _, stderr) = Run("config", "show", "no-such-file.conf");
        Assert.Equal(2, code);
        Assert.Contains("no such file", stderr);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, stdoutIsTerminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
