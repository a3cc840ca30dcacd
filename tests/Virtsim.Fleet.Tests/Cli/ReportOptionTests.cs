namespace Virtsim.Fleet.Tests.Cli;

public sealed class ReportOptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-report-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_writes_the_html_report_with_the_seed_the_replay_command_and_the_scenarios_own_text()
    {
        string file = Path.Combine(_folder, "run.html");
        var (code, stderr) = InProcessCli.Run("run", "quickstart", "--seed", "3", "--report", file);
        Assert.True(code == 0, stderr);
        Assert.Contains($"report: {file}", stderr);
        string html = File.ReadAllText(file);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("virtsim run quickstart --seed 3", html);
        Assert.Contains("Devices by vendor profile", html);
        Assert.Contains("# Virtsim quickstart", html); // the built-in scenario's text, comments and all
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void The_migration_scenarios_report_draws_each_migration_from_its_scheduled_start()
    {
        string file = Path.Combine(_folder, "migration.html");
        string scenario = Path.Combine(CliHarness.RepoRoot(), "scenarios", "migration.conf");
        var (code, stderr) = InProcessCli.Run("run", scenario, "--report", file);
        Assert.True(code == 0, stderr);
        string html = File.ReadAllText(file);
        Assert.Contains("Migrations by outcome", html);
        Assert.Contains("Migration timeline by source host", html);
        Assert.Contains("refused", html);
        Assert.Contains("cannot present the negotiated feature", html);
    }

    [Theory]
    [InlineData("missing/run.html", "does not exist")]
    [InlineData("", "is a folder")]
    public void A_report_path_that_cannot_be_written_is_refused_before_the_run(string relative, string reason)
    {
        string path = Path.Combine(_folder, relative);
        var (code, stderr) = InProcessCli.Run("run", "quickstart", "--report", path);
        Assert.Equal(2, code);
        Assert.Contains($"error: --report {path}: ", stderr);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("progress:", stderr); // nothing ran
    }
}
