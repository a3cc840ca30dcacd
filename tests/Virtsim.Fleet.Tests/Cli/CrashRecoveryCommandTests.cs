using System.Text.Json;
using Virtsim.Cli;
using Virtsim.Cli.Configuration;
using Virtsim.Hosting.Node;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Tests.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Hocon.Tests;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary><c>virtsim run scenarios/crash-recovery.conf</c> under simulation, and when a store is opened.</summary>
public class CrashRecoveryCommandTests
{
    internal static string Scenario => Path.Combine(RepositoryConfigs.Root(), "scenarios", "crash-recovery.conf");

    internal static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, stdoutIsTerminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // The crash fields of the JSON line, checked; returns the trace hash.
    internal static string AssertRecoveredCleanly(int code, string output, string error)
    {
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var json = JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(0, root.GetProperty("ackedWritesLost").GetInt64());
        Assert.Equal(0, root.GetProperty("duplicateCompletions").GetInt64());
        // The crashed net backend (a switch port) drops frames; they are all that is lost, and reported as such.
        long dropped = root.GetProperty("framesDroppedByCrash").GetInt64();
        Assert.True(dropped > 0, lines[^1]);
        Assert.Equal(dropped, root.GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, root.GetProperty("integrityErrors").GetInt64());
        Assert.Equal(5, root.GetProperty("recoveries").GetInt64()); // the scenario's five device-crash faults (one on a net device)
        var time = root.GetProperty("recoveryTime");
        // Each store call takes 2 us of virtual time (the scenario's simulated-store-latency): recovery takes some.
        Assert.True(time.GetProperty("virtualMeanUs").GetDouble() > 0, lines[^1]);
        Assert.True(time.GetProperty("virtualMaxUs").GetDouble() >= time.GetProperty("virtualMeanUs").GetDouble());
        Assert.True(time.GetProperty("wallMaxMs").GetDouble() > 0);
        Assert.Contains("persistence ids under run/crash-recovery/", error);
        return root.GetProperty("traceHash").GetString()!;
    }

    private static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "virtsim-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string SqliteCluster(string folder, string db)
    {
        string file = Path.Combine(folder, "cluster.conf");
        File.WriteAllText(file, $$"""
            virtsim {
              actors.dispatcher.type = simulation
              persistence { plugin = sqlite, sqlite.path = "{{db.Replace("\\", "/", StringComparison.Ordinal)}}" }
            }
            """);
        return file;
    }

    [Fact]
    public void Crash_recovery_under_simulation_reports_no_acked_write_lost_and_matches_an_in_process_run()
    {
        var (code, output, error) = Cli("run", Scenario, "--json");
        string hash = AssertRecoveredCleanly(code, output, error);

        // The same run in process, with the scenario's node settings (snapshots, store latency): same trace.
        var config = ScenarioSource.LoadConfig(Scenario);
        var node = NodeSettingsLoader.Load(null, config);
        var spec = ScenarioLoader.FromConfig(config);
        var latency = Virtsim.Simulation.Engine.Simulator.StoreLatency(node.SimulatedStoreLatency);
        var report = FleetRunner.Run(spec, spec.DefaultSeed, new RunOptions { Persistence = node.FleetPersistence("in-process/"), Akka = latency }, out _);
        Assert.Equal(report.TraceHashHex, hash);
    }

    [Fact]
    public void A_scenario_without_persistence_opens_no_store()
    {
        var folder = TempFolder();
        try
        {
            string db = Path.Combine(folder, "never.db");
            string scenario = Path.Combine(folder, "small.conf");
            File.WriteAllText(scenario, """
                scenario { name = small, seed = 3 }
                hosts = [ { name = h, vms = [ { name = v, devices = [ { name = blk0, type = blk, vendor = acme-vf, requests = 50 } ] } ] } ]
                """);
            var (code, _, error) = Cli("run", scenario, "--json", "--cluster", SqliteCluster(folder, db));
            Assert.True(code == 0, error);
            Assert.False(File.Exists(db));
            Assert.DoesNotContain("persistence ids under", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Acked_writes_lost_fail_the_checks()
    {
        var report = new RunReport
        {
            Scenario = "s", Seed = 1, TraceHash = 0, Messages = 0, Completed = true, Requests = 1, Lost = 0, Duplicates = 0,
            IntegrityErrors = 0, VirtualTime = TimeSpan.Zero, WallTime = TimeSpan.Zero, Counters = new Dictionary<string, long>(),
        };
        Assert.True(report.PassedChecks);
        Assert.False((report with { AckedWritesLost = 1 }).PassedChecks);
        Assert.False((report with { Duplicates = 1 }).PassedChecks);
        Assert.Contains("\"ackedWritesLost\":1", (report with { AckedWritesLost = 1 }).ToJson(), StringComparison.Ordinal);
    }
}
