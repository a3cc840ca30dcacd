using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// Command-line mistakes, in every command: the message on stderr, nothing on stdout (no help text), exit 2 (not 1,
/// which means a run failed its checks). Negative seeds are refused: System.Random seeds with the absolute value, so
/// --seed -N replayed the run of --seed N.
/// </summary>
public class UsageErrorTests
{
    [Theory]
    [InlineData("run quickstart --seed abc", "--seed must be a whole number from 0 to 2147483647 (got 'abc')")]
    [InlineData("run quickstart --seed -5", "--seed must be a whole number from 0 to 2147483647 (got '-5')")]
    [InlineData("run quickstart --seed 2147483648", "--seed must be a whole number from 0 to 2147483647")]
    [InlineData("run quickstart --bogus", "'--bogus'")]
    [InlineData("run", "Required argument missing")]
    [InlineData("bench quickstart --rounds 0", "--rounds must be a whole number from 1 to 100 (got '0')")]
    [InlineData("bench quickstart --rounds 101", "--rounds must be a whole number from 1 to 100 (got '101')")]
    [InlineData("bench quickstart --seed -1", "--seed must be a whole number from 0 to 2147483647 (got '-1')")]
    [InlineData("config show", "Required argument missing")]
    [InlineData("config", "Required command was not provided")]
    [InlineData("nonsense", "'nonsense'")]
    [InlineData("", "Required command was not provided")]
    [InlineData("vhost-user serve --device net", "'--socket' is required")]
    [InlineData("vhost-user drive --socket x --frames many", "'many'")]
    public void A_usage_error_goes_to_stderr_and_exits_2(string commandLine, string expected)
    {
        var (code, output, error) = CliHarness.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.StartsWith("virtsim: ", error);
        Assert.Contains("Usage: virtsim ", error);
        Assert.DoesNotContain("Description:", error);
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var (code, output, error) = CliHarness.Run("bench", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--rounds", output);
        Assert.Contains("1 to 100", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Seed_zero_and_the_largest_seed_are_accepted()
    {
        var (code, output, _) = CliHarness.Run("bench", "quickstart", "--rounds", "1", "--seed", "0");
        Assert.Equal(0, code);
        Assert.StartsWith("seed: 0", output);
        (code, output, _) = CliHarness.Run("bench", "quickstart", "--rounds", "1", "--seed", "2147483647");
        Assert.Equal(0, code);
        Assert.StartsWith("seed: 2147483647", output);
    }

    [Fact]
    public void A_negative_scenario_seed_is_an_error_at_the_value()
    {
        var ex = Assert.Throws<Virtsim.Hocon.HoconException>(() => ScenarioLoader.Parse("scenario {\n  seed = -3\n}\nhosts = []", "neg.conf"));
        Assert.Equal("neg.conf:2:10: seed must be at least 0 (got -3)", ex.Message);
    }
}
