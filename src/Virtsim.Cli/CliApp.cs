using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using System.Runtime.InteropServices;
using Virtsim.Cli.Configuration;
using Virtsim.Hosting.Cluster.Local;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Cli;

/// <summary>
/// The command tree (also <c>virtsim swarm</c>, <c>conformance</c>, <c>node</c>, <c>cluster</c>): <c>virtsim run SCENARIO [--seed N] [--json] [--cluster FILE] [--strict] [--local-nodes N]</c>, <c>virtsim bench SCENARIO [--seed N] [--rounds R] [--strict]</c> and
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
        if (parsed.Errors.Count > 0) return UsageError(parsed, stderr);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            // Commands turn every expected failure into a message and an exit code; what reaches here is a defect.
            // The user gets one line, not a stack trace (VIRTSIM_DEBUG=1 shows it, for a bug report).
            stderr.WriteLine($"virtsim: internal error ({ex.GetType().Name}): {ex.Message}. Please report it with the command line; VIRTSIM_DEBUG=1 shows where it happened.");
            if (Environment.GetEnvironmentVariable("VIRTSIM_DEBUG") == "1") stderr.WriteLine(ex);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// A command-line mistake (unknown option or command, missing or malformed value, value out of range): every
    /// message and where to find the usage on stderr, nothing on stdout, exit 2.
    /// </summary>
    private static int UsageError(ParseResult parsed, TextWriter stderr)
    {
        foreach (var error in parsed.Errors) stderr.WriteLine($"virtsim: {error.Message}");
        var path = new List<string>();
        for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            if (c.Command is not RootCommand) path.Insert(0, c.Command.Name);
        stderr.WriteLine($"Usage: virtsim {string.Join(' ', path.Append("--help"))}");
        return ExitCodes.UsageError;
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr, bool terminal)
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "The scenario: a HOCON file (e.g. scenarios/quickstart.conf) or the name of a built-in scenario (quickstart).",
        };
        var seed = WholeNumberOption.Optional("--seed",
            "The simulation seed (scheduling order and all randomness), 0 to 2147483647; defaults to the scenario's scenario.seed. " +
            "The same seed gives the same trace hash.", 0, int.MaxValue);
        var json = new Option<bool>("--json")
        {
            Description = "Print the summary as one JSON object on the last line of stdout; progress goes to stderr as plain lines.",
        };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "The node configuration (HOCON, e.g. cluster-config/postgresql.conf). Default: the built-in " +
                          "cluster-config/single-node.conf (one simulated node). A scenario's own virtsim { ... } section " +
                          "overrides it. Under simulation events go to the simulator's own store; a real-time node " +
                          "(dispatcher.type = threaded) opens its store (SQLite, PostgreSQL) only for a scenario that " +
                          "persists (scenario.persistence = true or a device-crash fault), under a persistence-id prefix of its own per run. " +
                          "A node file that names seed nodes (virtsim.cluster.seed-nodes, e.g. cluster-config/node-1.conf) means a running " +
                          "cluster: the first Up member with the role hosts runs the world, the scenario's placement puts devices and backends " +
                          "on the members of those roles, and the report comes back here (exit 5 when no member answers).",
        };
        var strict = StrictOption();
        var htmlReport = new Option<string?>("--report")
        {
            Description = "Also write the run's report as one self-contained HTML page (charts of devices, failures and migrations, " +
                          "every counter, the seed and the scenario's settings) to this file; its folder must exist.",
            HelpName = "FILE.html",
        };
        var localNodes = WholeNumberOption.Optional("--local-nodes",
            $"Start this many `virtsim node` processes on loopback (1 to {LocalCluster.MaxNodes}), run the scenario in real time on that " +
            "cluster, report, and stop them. The store is the --cluster file's PostgreSQL when it names one, else a throwaway " +
            "PostgreSQL server (Debian package postgresql) removed afterwards. node-1 (role hosts) runs the world; the scenario's " +
            "placement { ... } puts devices on node-2 (role devices) and blk backends on node-3 (role backends); without one every actor runs on node-1. " +
            "A node-crash fault kills the node of its role mid-run (its devices and backends are rebuilt on a survivor).", 1, LocalCluster.MaxNodes);
        var quiet = new Option<bool>("--quiet")
        {
            Description = "No progress (neither the bar on a terminal nor the progress lines on stderr).",
        };
        var run = new Command("run", "Run a scenario and print a summary: under the deterministic simulator (the default node), or in real time when the node file says virtsim.actors.dispatcher.type = threaded (which refuses message faults, kind = message, with exit 2: they need the simulator).") { scenario, seed, json, cluster, strict, localNodes, htmlReport, quiet };
        run.SetAction(r => RunScenario(r.GetValue(scenario)!, r.GetValue(seed), r.GetValue(json), r.GetValue(cluster), r.GetValue(strict), r.GetValue(localNodes), r.GetValue(htmlReport), stdout, stderr, terminal,
            r.GetValue(quiet)));

        var benchScenario = new Argument<string>("scenario") { Description = "The scenario to measure: a file or a built-in name (quickstart)." };
        var benchSeed = WholeNumberOption.Optional("--seed", "The simulation seed, 0 to 2147483647; defaults to the scenario's.", 0, int.MaxValue);
        var rounds = WholeNumberOption.WithDefault("--rounds",
            "How many times to run the scenario, 1 to 100 (the first run warms up and is not counted when there are several).", 1, 100, 3);
        var benchStrict = StrictOption();
        var bench = new Command("bench", "Measure how much virtual time a scenario simulates per second of wall time.") { benchScenario, benchSeed, rounds, benchStrict };
        bench.SetAction(r => Bench(r.GetValue(benchScenario)!, r.GetValue(benchSeed), r.GetValue(rounds), r.GetValue(benchStrict), stdout, stderr));

        return new RootCommand("virtsim: simulated virtio devices, transports and drivers as actors.")
        {
            run, bench, VhostUserCommand.Build(stdout, stderr), ConfigCommand.Build(stdout, stderr),
            ConformanceCommand.Build(stdout, stderr),
            InteropCommand.Build(stdout, stderr),
            Swarm.SwarmCommand.Build(stdout, stderr),
            NodeCommand.Build(stdout, stderr),
            ClusterCommand.Build(stdout, stderr),
        };
    }

    private static Option<bool> StrictOption() => new("--strict")
    {
        Description = "Refuse a scenario with keys no setting reads (typos such as defaults.blk.reqests): exit 2. " +
                      "Without it they are warnings on stderr and the run goes on.",
    };

    internal static bool TryLoad(string path, bool strict, TextWriter stderr, out WorldSpec spec) => TryLoad(path, null, strict, stderr, out spec, out _);

    private static bool TryLoad(string path, string? clusterPath, bool strict, TextWriter stderr, out WorldSpec spec, out NodeSettings node)
    {
        spec = null!;
        node = null!;
        try
        {
            var config = ScenarioSource.LoadConfig(path);
            var unknown = ScenarioKeys.Find(config, NodeSettingsLoader.SectionSchema);
            foreach (var key in unknown) stderr.WriteLine($"{(strict ? "error" : "warning")}: {key}");
            if (strict && unknown.Count > 0) return false;
            spec = ScenarioLoader.FromConfig(config);
            node = NodeSettingsLoader.Load(clusterPath, config);
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

    private static int RunScenario(string path, int? seedOption, bool json, string? clusterPath, bool strict, int? localNodes, string? htmlReport,
        TextWriter stdout, TextWriter stderr, bool terminal, bool quiet = false)
    {
        // Checked before the run, so that a long run is not lost to a report that cannot be written.
        if (htmlReport is not null && HtmlReportFile.Problem(htmlReport) is { } problem)
        {
            stderr.WriteLine($"error: --report {htmlReport}: {problem}");
            return ExitCodes.UsageError;
        }
        var loading = System.Diagnostics.Stopwatch.StartNew();
        if (!TryLoad(path, clusterPath, strict, stderr, out var spec, out var node)) return ExitCodes.BadScenario;
        loading.Stop();
        int seed = seedOption ?? spec.DefaultSeed;
        // Refused before any node starts: a real-time run cannot inject message faults and must not pretend to.
        if ((node.Dispatcher.Kind == DispatcherKind.Threaded || localNodes is not null) && RealTimeLimits.Refusal(spec) is { } refusal)
        {
            stderr.WriteLine($"error: {refusal.Message}");
            return ExitCodes.BadScenario;
        }
        if (spec.Waves.Count > 0 || spec.Racks is not null)
        {
            int moves = spec.Waves.Sum(w => w.Plan.Moves.Count);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scenario: {spec.Hosts.Count:N0} hosts, {spec.Hosts.Sum(h => h.Vms.Count):N0} VMs, {spec.AllDevices().Count():N0} devices, {spec.Waves.Count} waves of {moves:N0} migrations, loaded and planned in {loading.Elapsed.TotalSeconds:0.00} s"));
        }
        var target = new ReportTarget(path, htmlReport);
        if (spec.NodeCrashes.Count > 0 && localNodes is null)
        {
            stderr.WriteLine($"error: {spec.NodeCrashes[0].Position}: a node-crash fault kills a node of a run on nodes: run with --local-nodes N");
            return ExitCodes.BadScenario;
        }
        if (localNodes is int count) return LocalNodesRun.Run(path, spec, seed, node, count, json, target, stdout, stderr, terminal);
        // A node file that names seed nodes describes a running cluster: a member of it runs the world.
        if (clusterPath is not null && node.Cluster.SeedNodes.Count > 0) return ClusterRun.Run(path, spec, seed, node, json, target, stdout, stderr, terminal);
        stderr.WriteLine($"cluster: {node.Describe()}");
        stdout.WriteLine($"seed: {seed}");
        stdout.Flush();

        FleetPersistence? persistence = null;
        if (spec.Persistent)
        {
            // A prefix of its own per run: a fresh run never recovers what an earlier run left in the same store.
            string prefix = RunPrefix(spec.Name, seed);
            persistence = node.FleetPersistence(prefix);
            // In real time the line comes once the store is open (Execute): a watcher may act on it.
            if (node.Dispatcher.Kind == DispatcherKind.Simulation)
                stderr.WriteLine($"persistence: {node.Describe()}, persistence ids under {prefix}");
        }
        else if (node.Dispatcher.Kind == DispatcherKind.Threaded)
        {
            // A scenario that does not persist opens no store: nothing would be written to it.
            node = node with { Persistence = node.Persistence with { Plugin = PersistencePlugin.Memory } };
        }
        return RunWith(spec, seed, persistence, node, json, target, stdout, stderr, terminal, quiet);
    }

    /// <summary>The persistence id prefix of one run: scenario, seed, UTC start time and a random part, then '/'.</summary>
    public static string RunPrefix(string scenario, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"run/{scenario}/{seed}/{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}-{Guid.NewGuid().ToString("N")[..8]}/");

    // Why it failed, as the drivers and devices said (also on stderr: the table may be out of sight).
    private static void WriteFailures(RunReport report, TextWriter stderr)
    {
        foreach (var f in report.Failures) stderr.WriteLine($"error: {f}");
    }

    private static int RunWith(WorldSpec spec, int seed, FleetPersistence? persistence, NodeSettings node, bool json, ReportTarget target, TextWriter stdout, TextWriter stderr, bool terminal,
        bool quiet = false)
    {
        RunReport? report;
        string clock = node.Dispatcher.Kind == DispatcherKind.Simulation ? "virtual" : "wall";
        var wall = System.Diagnostics.Stopwatch.StartNew();
        if (quiet)
        {
            report = Execute(spec, seed, persistence, node, stderr, _ => { });
        }
        else if (terminal && !json)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            report = null;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"running {spec.Name}", maxValue: Math.Max(1, spec.AllDevices().Count()));
                    report = Execute(spec, seed, persistence, node, stderr, p =>
                    {
                        task.Value = ProgressEstimate.Done(p) * task.MaxValue;
                        task.Description = $"{spec.Name}: {p.Requests} requests, {Format(p.VirtualTime)} {clock}{ProgressEstimate.Migrations(p)}"
                            + (ProgressEstimate.Eta(p, wall.Elapsed) is { } eta ? $", {eta}" : "");
                    });
                    task.Value = task.MaxValue;
                });
        }
        else
        {
            var lastLine = TimeSpan.FromMilliseconds(-1);
            var lastWall = TimeSpan.Zero;
            report = Execute(spec, seed, persistence, node, stderr, p =>
            {
                if (p.VirtualTime - lastLine < TimeSpan.FromMilliseconds(1) && p.WorkloadsDone < p.Workloads) return;
                // A long run (migrations) reports at most once a second of wall time.
                if (p.Migrations > 0 && wall.Elapsed - lastWall < TimeSpan.FromSeconds(1) && p.MigrationsDone < p.Migrations) return;
                lastLine = p.VirtualTime;
                lastWall = wall.Elapsed;
                string eta = ProgressEstimate.Eta(p, wall.Elapsed) is { } e ? $", {e}" : "";
                stderr.WriteLine($"progress: {p.WorkloadsDone}/{p.Workloads} workloads done, {p.Requests} requests, {Format(p.VirtualTime)} {clock}{ProgressEstimate.Migrations(p)}{eta}");
            });
        }
        if (report is null) return ExitCodes.BadScenario; // the store could not be used; Execute said why
        return PrintReport(spec, report, json, target, stdout, stderr, terminal);
    }

    /// <summary>Prints the summary of <paramref name="report"/> (table, JSON), writes its HTML page if asked, and its failures; returns the run's exit code.</summary>
    internal static int PrintReport(WorldSpec spec, RunReport report, bool json, ReportTarget target, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        WriteTable(report, stdout, terminal && !json);
        if (json) stdout.WriteLine(report.ToJson());
        stdout.Flush();
        if (target.HtmlPath is not null && !HtmlReportFile.TryWrite(target, spec, report, stderr)) return ExitCodes.ReportFailed;
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
                var broken = report.Invariants.Where(i => !i.Held).Select(i => $"{i.Name} ({i.Reason})").ToList();
                stderr.WriteLine(broken.Count > 0
                    ? $"error: the run did not pass its checks: broken {string.Join("; ", broken)}"
                    : "error: the run did not pass its checks (it did not complete)");
                return ExitCodes.ChecksFailed;
        }
    }

    // Runs the world as the node says: under the simulator (virtual time, reproducible from the seed), or in real
    // time on Akka.NET's dispatchers under a host, journaling to the node's store; SIGINT or SIGTERM ends a
    // real-time run early (the report says how far it got). Null when the store cannot be used (said on stderr).
    private static RunReport? Execute(WorldSpec spec, int seed, FleetPersistence? persistence, NodeSettings node, TextWriter stderr,
        Action<RunProgress> progress)
    {
        if (node.Dispatcher.Kind == DispatcherKind.Simulation)
        {
            return FleetRunner.Run(spec, seed, new RunOptions
            {
                Persistence = persistence,
                Akka = Virtsim.Simulation.Engine.Simulator.StoreLatency(node.SimulatedStoreLatency),
                Progress = progress,
            }, out _);
        }
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        RealTimeNode host;
        try
        {
            host = RealTimeNode.StartAsync(node, seed, stop.Token).GetAwaiter().GetResult();
        }
        catch (PersistenceStoreException ex)
        {
            stderr.WriteLine($"error: cannot use the persistence store: {ex.Message}");
            return null;
        }
        if (persistence is not null) stderr.WriteLine($"persistence: {node.Describe()}, persistence ids under {persistence.IdPrefix}");
        try
        {
            var report = FleetRunner.RunThreaded(host.System, spec, seed, new RealTimeOptions
            {
                Persistence = persistence,
                Progress = progress,
                Cancellation = stop.Token,
            }, out _);
            if (stop.IsCancellationRequested) stderr.WriteLine("virtsim: stopped by a signal; the report covers the run so far");
            return report;
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

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
        if (r.MessageFaults is { } faults)
        {
            Row("message faults", N(faults.Total));
            foreach (var (c, a, n) in faults.NonZero())
                Row($"  {Fleet.MessageFaults.MessageFaultNames.Of(c)} {Fleet.MessageFaults.MessageFaultNames.Of(a)}", N(n));
            Row("  frames dropped / corrupted on the wire", $"{N(r.FramesDroppedByFaults)} / {N(r.FramesCorrupted)}");
        }
        foreach (var i in r.Invariants) Row(i.Name, i.Held ? "held" : "BROKEN: " + i.Reason);
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
            // A device switch names its device and the vendors it went between (its host is in the vm).
            table.AddRow(Markup.Escape(m.Device is null ? m.Vm : $"{m.Vm}/{m.Device}"), Markup.Escape(m.Device is null ? $"{m.From} -> {m.To}" : $"{m.FromVendor} -> {m.ToVendor}"), Fleet.Migration.MigrationNames.Of(m.Mode), Fleet.Migration.MigrationNames.Of(m.Outcome),
                N(m.Rounds), (m.MemoryBytesSent / 1048576.0).ToString("N1", CultureInfo.InvariantCulture), N(m.PagesResent), N(m.DeviceStateBytes),
                Format(m.Downtime), Format(m.TotalTime), N(m.PostCopyFaults));
        }
        return table;
    }

    private static int Bench(string path, int? seedOption, int rounds, bool strict, TextWriter stdout, TextWriter stderr)
    {
        if (!TryLoad(path, strict, stderr, out var spec)) return ExitCodes.BadScenario;
        int seed = seedOption ?? spec.DefaultSeed;
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
