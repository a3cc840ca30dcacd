using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Virtsim.Cli.Configuration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Cli;

/// <summary>
/// The command tree: <c>virtsim run SCENARIO [--seed N] [--json] [--cluster FILE]</c>, <c>virtsim bench SCENARIO [--seed N]</c> and
/// <c>virtsim vhost-user serve --socket PATH --device net|blk</c> and <c>virtsim config show FILE</c>.
/// Output goes to the writers given, so tests run the real command in-process.
/// </summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="stdoutIsTerminal">True when stdout is an interactive terminal (progress bar instead of plain lines).</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool stdoutIsTerminal)
    {
        var root = Build(stdout, stderr, stdoutIsTerminal);
        var parsed = root.Parse(args);
        int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        // A command-line mistake (unknown option, a value that does not parse, a missing required option) has printed
        // its errors and the usage; like every other bad input it exits 2, not System.CommandLine's 1.
        return parsed.Errors.Count > 0 ? ExitCodes.BadScenario : code;
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr, bool terminal)
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "The scenario: a HOCON file (e.g. scenarios/quickstart.conf) or the name of a built-in scenario (quickstart).",
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "The simulation seed (scheduling order and all randomness); defaults to the scenario's scenario.seed. " +
                          "The same seed gives the same trace hash.",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the summary as one JSON object on the last line of stdout; progress goes to stderr as plain lines.",
        };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "The node configuration (HOCON, e.g. cluster-config/postgresql.conf). Default: the built-in " +
                          "cluster-config/single-node.conf (one node, SQLite under ./data). A scenario's own virtsim { ... } " +
                          "section overrides it. Read and checked; its store is opened only for a scenario that persists " +
                          "(scenario.persistence = true or a device-crash fault), under a persistence-id prefix of its own per run.",
        };
        var run = new Command("run", "Run a scenario under the deterministic simulation dispatcher and print a summary.") { scenario, seed, json, cluster };
        run.SetAction(r => RunScenario(r.GetValue(scenario)!, r.GetValue(seed), r.GetValue(json), r.GetValue(cluster), stdout, stderr, terminal));

        var benchScenario = new Argument<string>("scenario") { Description = "The scenario to measure: a file or a built-in name (quickstart)." };
        var benchSeed = new Option<int?>("--seed") { Description = "The simulation seed; defaults to the scenario's." };
        var rounds = new Option<int>("--rounds")
        {
            Description = "How many times to run the scenario (the first run warms up and is not counted when there are several).",
            DefaultValueFactory = _ => 3,
        };
        var bench = new Command("bench", "Measure how much virtual time a scenario simulates per second of wall time.") { benchScenario, benchSeed, rounds };
        bench.SetAction(r => Bench(r.GetValue(benchScenario)!, r.GetValue(benchSeed), r.GetValue(rounds), stdout, stderr));

        return new RootCommand("virtsim: simulated virtio devices, transports and drivers as actors.")
        {
            run, bench, VhostUserCommand.Build(stdout, stderr), ConfigCommand.Build(stdout, stderr),
        };
    }

    private static bool TryLoad(string path, TextWriter stderr, out WorldSpec spec) => TryLoad(path, null, stderr, out spec, out _);

    private static bool TryLoad(string path, string? clusterPath, TextWriter stderr, out WorldSpec spec, out NodeSettings node)
    {
        spec = null!;
        node = null!;
        try
        {
            var config = ScenarioSource.LoadConfig(path);
            spec = ScenarioLoader.FromConfig(config);
            node = NodeSettingsLoader.Load(clusterPath, config);
            if (spec.DeviceSwitches.Count > 0)
            {
                // Read and checked, but no actor performs them yet: refuse rather than run without them.
                stderr.WriteLine($"error: {path}: device-switches are not executed yet; switch a device's implementation as part of a migration (migrations = [ {{ ..., devices {{ blk0 = swift-vhost }} }} ])");
                return false;
            }
            return true;
        }
        catch (HoconException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {ex.Message}");
        }
        return false;
    }

    private static int RunScenario(string path, int? seedOption, bool json, string? clusterPath, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        if (!TryLoad(path, clusterPath, stderr, out var spec, out var node)) return ExitCodes.BadScenario;
        stderr.WriteLine($"cluster: {node.Describe()}");
        int seed = seedOption ?? spec.DefaultSeed;
        stdout.WriteLine($"seed: {seed}");
        stdout.Flush();

        FleetPersistence? persistence = null;
        if (spec.Persistent)
        {
            // A prefix of its own per run: a fresh run never recovers what an earlier run left in the same store.
            string prefix = RunPrefix(spec.Name, seed);
            persistence = node.FleetPersistence(prefix);
            stderr.WriteLine($"persistence: the simulator's store, persistence ids under {prefix}");
        }
        return RunWith(spec, seed, persistence, node, json, stdout, stderr, terminal);
    }

    /// <summary>The persistence id prefix of one run: scenario, seed, UTC start time and a random part, then '/'.</summary>
    public static string RunPrefix(string scenario, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"run/{scenario}/{seed}/{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}-{Guid.NewGuid().ToString("N")[..8]}/");

    // Why it failed, as the drivers and devices said (also on stderr: the table may be out of sight).
    private static void WriteFailures(RunReport report, TextWriter stderr)
    {
        foreach (var f in report.Failures) stderr.WriteLine($"error: {f}");
    }

    private static int RunWith(WorldSpec spec, int seed, FleetPersistence? persistence, NodeSettings node, bool json, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        RunReport report;
        if (terminal && !json)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            report = null!;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"simulating {spec.Name}", maxValue: Math.Max(1, spec.AllDevices().Count()));
                    report = FleetRunner.Run(spec, seed, new RunOptions
                    {
                        Persistence = persistence,
                        Akka = SimulationSettings(node),
                        Progress = p =>
                        {
                            task.Value = p.WorkloadsDone;
                            task.Description = $"{spec.Name}: {p.Requests} requests, {Format(p.VirtualTime)} virtual";
                        },
                    }, out _);
                    task.Value = task.MaxValue;
                });
        }
        else
        {
            var lastLine = TimeSpan.FromMilliseconds(-1);
            report = FleetRunner.Run(spec, seed, new RunOptions
            {
                Persistence = persistence,
                Akka = SimulationSettings(node),
                Progress = p =>
                {
                    if (p.VirtualTime - lastLine < TimeSpan.FromMilliseconds(1) && p.WorkloadsDone < p.Workloads) return;
                    lastLine = p.VirtualTime;
                    stderr.WriteLine($"progress: {p.WorkloadsDone}/{p.Workloads} workloads done, {p.Requests} requests, {Format(p.VirtualTime)} virtual");
                },
            }, out _);
        }

        WriteTable(report, stdout, terminal && !json);
        if (json) stdout.WriteLine(report.ToJson());
        stdout.Flush();
        switch (report.Outcome)
        {
            case RunOutcome.Passed:
                return ExitCodes.Ok;
            case RunOutcome.StoreFailed:
                WriteFailures(report, stderr);
                foreach (var f in report.StoreFailures) stderr.WriteLine($"error: the persistence store failed: {f}");
                stderr.WriteLine("error: the run stopped because its persistence store failed; its figures are not a verdict on the devices");
                return ExitCodes.StoreFailed;
            default:
                WriteFailures(report, stderr);
                stderr.WriteLine("error: the run did not pass its checks (see lost, duplicates, integrity errors, acked writes lost, completed)");
                return ExitCodes.ChecksFailed;
        }
    }

    // The node's settings a simulated actor system takes: the store's virtual latency.
    private static Akka.Configuration.Config SimulationSettings(NodeSettings node) =>
        Virtsim.Simulation.Engine.Simulator.StoreLatency(node.SimulatedStoreLatency);

    private static void WriteTable(RunReport r, TextWriter stdout, bool ansi)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = ansi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ansi) console.Profile.Width = 100;
        var table = new Table().Title($"virtsim run: {r.Scenario}").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        Row("seed", r.Seed.ToString(CultureInfo.InvariantCulture));
        Row("trace hash", r.TraceHashHex);
        Row("completed", r.Completed ? "yes" : "NO");
        Row("outcome", r.OutcomeName);
        foreach (var f in r.StoreFailures) Row("store failed", f.ToString());
        foreach (var f in r.Failures) Row("failure", f.ToString());
        Row("requests", N(r.Requests));
        Row("  blk requests", N(r[FleetCounter.BlkRequests]));
        Row("  frames delivered", N(r[FleetCounter.FramesDelivered]));
        Row("bytes", N(r[FleetCounter.Bytes]));
        Row("doorbells", N(r[FleetCounter.Doorbells]));
        Row("interrupts (MSI-X / line)", $"{N(r[FleetCounter.MsixInterrupts] + r[FleetCounter.LineInterrupts])} ({N(r[FleetCounter.MsixInterrupts])} / {N(r[FleetCounter.LineInterrupts])})");
        Row("DMA descriptor", N(r[FleetCounter.DmaDescriptor]));
        Row("DMA ring index", N(r[FleetCounter.DmaRingIndex]));
        Row("DMA ring entry", N(r[FleetCounter.DmaRingEntry]));
        Row("DMA data read", N(r[FleetCounter.DmaDataRead]));
        Row("DMA data write", N(r[FleetCounter.DmaDataWrite]));
        Row("DMA event suppression", N(r[FleetCounter.DmaEventSuppression]));
        Row("lost / duplicates / integrity errors", $"{N(r.Lost)} / {N(r.Duplicates)} / {N(r.IntegrityErrors)}");
        Row("  frames dropped by crashes (of lost)", N(r.FramesDroppedByCrash));
        Row("  held by crashed net backends / devices", $"{N(r[FleetCounter.NetBackendFramesDropped])} / {N(r[FleetCounter.NetDeviceFramesDropped])}");
        Row("acked writes lost / duplicate completions", $"{N(r.AckedWritesLost)} / {N(r.Duplicates)}");
        Row("  unflushed writes lost (allowed)", N(r.UnflushedWritesLost));
        Row("recoveries", N(r.Recoveries.Count));
        Row("recovery time virtual (mean / max)", $"{Format(r.Recoveries.VirtualMean)} / {Format(r.Recoveries.VirtualMax)}");
        Row("recovery time wall (mean / max)", $"{Format(r.Recoveries.WallMean)} / {Format(r.Recoveries.WallMax)}");
        Row("messages", N(r.Messages));
        Row("virtual time", Format(r.VirtualTime));
        Row("wall time", Format(r.WallTime));
        Row("virtual / wall", r.VirtualToWallRatio.ToString("0.000", CultureInfo.InvariantCulture));
        if (r.Migrations.Count > 0 || r.LostVms.Count > 0)
        {
            Row("frames lost by migration (of lost)", N(r[FleetCounter.FramesLostByMigration]));
            Row("memory pages differing at switchovers", N(r.MemoryMismatches));
            Row("VMs lost", r.LostVms.Count == 0 ? "0" : string.Join(", ", r.LostVms));
        }
        console.Write(table);
        if (r.Migrations.Count == 0) return;
        if (!ansi) console.Profile.Width = 140; // one line per migration
        console.Write(MigrationTable(r.Migrations));
        foreach (var m in r.Migrations.Where(m => m.Reason.Length > 0)) console.WriteLine($"{m.Vm} ({Fleet.Migration.MigrationNames.Of(m.Outcome)}): {m.Reason}");
    }

    // One row per migration (the report's migrations array); the reasons follow the table.
    private static Table MigrationTable(IReadOnlyList<Fleet.Migration.MigrationResult> migrations)
    {
        var table = new Table().Title("migrations");
        foreach (var column in new[] { "vm", "from -> to", "mode", "outcome", "rounds", "MiB sent", "resent", "state B", "downtime", "total", "faults" })
            table.AddColumn(column is "vm" or "from -> to" or "mode" or "outcome" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        foreach (var m in migrations)
        {
            table.AddRow(Markup.Escape(m.Vm), Markup.Escape($"{m.From} -> {m.To}"), Fleet.Migration.MigrationNames.Of(m.Mode), Fleet.Migration.MigrationNames.Of(m.Outcome),
                N(m.Rounds), (m.MemoryBytesSent / 1048576.0).ToString("N1", CultureInfo.InvariantCulture), N(m.PagesResent), N(m.DeviceStateBytes),
                Format(m.Downtime), Format(m.TotalTime), N(m.PostCopyFaults));
        }
        return table;
    }

    private static int Bench(string path, int? seedOption, int rounds, TextWriter stdout, TextWriter stderr)
    {
        if (!TryLoad(path, stderr, out var spec)) return ExitCodes.BadScenario;
        int seed = seedOption ?? spec.DefaultSeed;
        rounds = Math.Clamp(rounds, 1, 100);
        stdout.WriteLine($"seed: {seed}");
        long virtualTicks = 0, wallTicks = 0;
        for (int i = 0; i < rounds; i++)
        {
            var report = FleetRunner.Run(spec, seed);
            if (rounds > 1 && i == 0) continue; // warm-up
            virtualTicks += report.VirtualTime.Ticks;
            wallTicks += report.WallTime.Ticks;
        }
        double ratio = wallTicks == 0 ? 0 : (double)virtualTicks / wallTicks;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Name}: virtual {Format(TimeSpan.FromTicks(virtualTicks))}, wall {Format(TimeSpan.FromTicks(wallTicks))}, virtual/wall ratio {ratio:0.0000}"));
        return ExitCodes.Ok;
    }

    private static string Format(TimeSpan t) => t.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.000} s")
        : t.TotalMilliseconds >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.000} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / 10.0:0.0} us");
}
