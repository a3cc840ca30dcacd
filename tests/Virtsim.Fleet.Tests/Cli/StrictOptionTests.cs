namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// Unknown scenario keys: a warning with file:line:col on stderr and the run goes on; with --strict (run and bench)
/// an error, exit 2, nothing run.
/// </summary>
public class StrictOptionTests
{
    private const string Typo = "scenario { name = typo, max-virtual-time = 1s }\ndefaults.device { vendor = swift-vhost, requests = 10 }\n" +
                                "defaults.blk.reqests = 5\nhosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk } ] } ] } ]\n";

    private static string Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-typo-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void An_unknown_key_is_a_warning_and_the_run_goes_on()
    {
        var path = Write(Typo);
        try
        {
            var (code, output, error) = CliHarness.Run("run", path, "--json");
            Assert.Equal(0, code);
            Assert.Contains($"warning: {Path.GetFileName(path)}:3:24: unknown key 'reqests' in defaults.blk (did you mean 'requests'?)", error);
            Assert.StartsWith("seed: 1", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("bench")]
    public void With_strict_an_unknown_key_is_an_error_and_nothing_runs(string command)
    {
        var path = Write(Typo);
        try
        {
            var (code, output, error) = CliHarness.Run(command, path, "--strict");
            Assert.Equal(2, code);
            Assert.Contains($"error: {Path.GetFileName(path)}:3:24: unknown key 'reqests' in defaults.blk (did you mean 'requests'?)", error);
            Assert.Equal("", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void With_strict_a_scenario_without_unknown_keys_runs()
    {
        var path = Write(Typo.Replace("reqests", "requests"));
        try
        {
            var (code, output, error) = CliHarness.Run("bench", path, "--strict", "--rounds", "1");
            Assert.Equal(0, code);
            Assert.DoesNotContain("warning", error);
            Assert.Contains("typo: virtual", output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
