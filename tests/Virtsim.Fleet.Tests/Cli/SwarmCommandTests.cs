using System.Text.RegularExpressions;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// <c>virtsim swarm</c> end to end: seeds of scenarios/crash-recovery.conf, each a child <c>virtsim run</c> of a
/// generated scenario with drawn faults, and its command-line errors.
/// </summary>
public sealed class SwarmCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"virtsim-swarm-{Guid.NewGuid():N}");
    private static string CrashRecovery => Path.Combine(CliHarness.RepoRoot(), "scenarios", "crash-recovery.conf");

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public void Three_seeds_of_crash_recovery_pass_and_the_table_says_so()
    {
        // Seeds 2..4: seed 1 draws a corrupted config write that makes a net driver's FEATURES_OK fail (a driver that
        // gives up at initialisation breaks driver-recovers, as it should).
        var (code, stdout, stderr) = CliHarness.Run("swarm", CrashRecovery, "--seeds", "2..4", "--jobs", "2", "--out", _out);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("device-crash, backend-crash, message, iommu-unmap, corrupt-memory on 5 devices", stdout);
        Assert.Matches(new Regex(@"^passed\s+3\s+2, 3, 4$", RegexOptions.Multiline), stdout);
        Assert.Matches(new Regex(@"^3 seeds in [0-9.]+ s \([0-9.]+ seeds/minute\)$", RegexOptions.Multiline), stdout);
        Assert.DoesNotContain("failing seeds", stdout);
        // One progress line per seed, each with its drawn faults; the passing seeds' files are not kept.
        for (int seed = 2; seed <= 4; seed++) Assert.Matches(new Regex($@"^\[\d/3\] seed {seed}: passed, faults: [1-3], ", RegexOptions.Multiline), stderr);
        Assert.Empty(Directory.GetFiles(_out));
    }

    [Theory]
    [InlineData("5..1", "the last seed is below the first")]
    [InlineData("1-5", "--seeds must be a range A..B")]
    [InlineData("-1..3", "--seeds must be a range A..B")]
    [InlineData("0..2000000", "at most 1,000,000 seeds")]
    public void A_bad_seed_range_exits_2_with_a_message(string seeds, string message)
    {
        var (code, stdout, stderr) = CliHarness.Run("swarm", CrashRecovery, "--seeds", seeds, "--out", _out);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void Zero_jobs_exits_2_with_a_message()
    {
        var (code, _, stderr) = CliHarness.Run("swarm", CrashRecovery, "--seeds", "1..2", "--jobs", "0", "--out", _out);
        Assert.Equal(2, code);
        Assert.Contains("--jobs must be a whole number from 1 to 64 (got '0')", stderr);
    }

    [Fact]
    public void A_missing_scenario_exits_2_with_a_message()
    {
        var (code, _, stderr) = CliHarness.Run("swarm", Path.Combine(_out, "no-such.conf"), "--seeds", "1..2", "--out", _out);
        Assert.Equal(2, code);
        Assert.Contains("is neither a file nor a built-in scenario", stderr);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void Seeds_are_required()
    {
        var (code, _, stderr) = CliHarness.Run("swarm", CrashRecovery);
        Assert.Equal(2, code);
        Assert.Contains("--seeds", stderr);
    }
}
