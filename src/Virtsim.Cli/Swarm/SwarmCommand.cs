using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.World;
using Virtsim.Hosting.Cluster.Local;

namespace Virtsim.Cli.Swarm;

/// <summary>
/// <c>virtsim swarm SCENARIO --seeds A..B [--jobs N] [--faults K] [--out DIR] [--shrink-runs R]</c>: runs every seed
/// with a fault plan drawn from the scenario's fault space (<see cref="PlanDrawer"/>), each as a child
/// <c>virtsim run</c> of a generated scenario file, prints a table of outcomes and the command that replays each
/// failing seed, then shrinks each failure (<see cref="Shrinker"/>) and writes the smallest plan and world as a scenario file.
/// Exit 0 when every seed passed, 1 otherwise, 2 for bad input.
/// </summary>
internal static class SwarmCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var scenario = new Argument<string>("scenario") { Description = "The base scenario: a HOCON file or a built-in name (quickstart). Its own faults are replaced by each run's plan." };
        var seeds = new Option<SeedRange?>("--seeds")
        {
            Description = "The seeds to run, A..B (both included, 0 to 2147483647). Each seed draws its fault plan and seeds its run.",
            Required = true,
            HelpName = "A..B",
            CustomParser = r =>
            {
                var range = SeedRange.Parse(r.Tokens.Count > 0 ? r.Tokens[^1].Value : "", out var error);
                if (error is not null) r.AddError(error);
                return range;
            },
        };
        var jobs = WholeNumberOption.WithDefault("--jobs", "How many runs at once, each its own process, 1 to 64.", 1, 64, 2);
        var faults = WholeNumberOption.WithDefault("--faults", "At most this many faults per run, 1 to 50 (each run draws 1 to K).", 1, 50, 3);
        var shrinkRuns = WholeNumberOption.WithDefault("--shrink-runs", "At most this many runs to shrink each failing seed, 0 (do not shrink) to 1000.", 0, 1000, 30);
        jobs.HelpName = "N";
        faults.HelpName = "K";
        shrinkRuns.HelpName = "R";
        var outDir = new Option<string>("--out")
        {
            Description = "The folder for the generated scenario files (created if missing): the failing seeds' files and their shrunk plans stay there.",
            DefaultValueFactory = _ => "swarm-out",
            HelpName = "DIR",
        };
        var command = new Command("swarm",
            "Run many seeds of a scenario, each with faults drawn at random from its fault space (device and backend crashes; " +
            "host crashes, link failures and refused device states when it migrates), in parallel processes; print a table of " +
            "outcomes and the command that replays each failing seed, and shrink each failure (fewer faults, later, fewer devices and requests) to the smallest plan and world that still break the same invariant, written as a scenario file.")
        {
            scenario, seeds, jobs, faults, shrinkRuns, outDir,
        };
        command.SetAction(r =>
        {
            var virtsim = VirtsimCommand.Current(typeof(CliApp).Assembly.Location);
            return Run(r.GetValue(scenario)!, r.GetValue(seeds)!, r.GetValue(jobs), r.GetValue(faults), r.GetValue(shrinkRuns), r.GetValue(outDir)!,
                (file, seed) => SwarmRunProcess.Run(virtsim, file, seed), stdout, stderr);
        });
        return command;
    }

    /// <summary>
    /// Runs the swarm with <paramref name="runOne"/> running a generated scenario file with a seed (a child process in
    /// the command; tests pass their own). Returns the exit code.
    /// </summary>
    internal static int Run(string path, SeedRange seeds, int jobs, int maxFaults, int shrinkRuns, string outDir,
        Func<string, int, RunVerdict> runOne, TextWriter stdout, TextWriter stderr)
    {
        if (!CliApp.TryLoad(path, strict: false, stderr, out var spec)) return ExitCodes.BadScenario;
        string baseText = File.Exists(path) ? File.ReadAllText(path) : ScenarioSource.BuiltIn(path)!;
        try { Directory.CreateDirectory(outDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"error: --out {outDir}: {e.Message}");
            return ExitCodes.UsageError;
        }
        var space = Space(spec);
        if (space.Kinds.Count == 0) stderr.WriteLine($"warning: {path} has no devices: every run has no faults");
        stdout.WriteLine($"swarm: {spec.Name}, seeds {seeds.First}..{seeds.Last}, {jobs} jobs, at most {maxFaults} faults per run " +
                         $"({string.Join(", ", space.Kinds)} on {space.Devices.Count} devices{(space.HostFaults ? $" and {space.Hosts.Count} hosts" : "")}), files under {outDir}");
        stdout.Flush();

        var results = new ConcurrentDictionary<int, (IReadOnlyList<PlannedFault> Plan, RunVerdict Verdict)>();
        int done = 0;
        var watch = Stopwatch.StartNew();
        Parallel.ForEach(seeds.Seeds, new ParallelOptions { MaxDegreeOfParallelism = jobs }, seed =>
        {
            var plan = PlanDrawer.Draw(space, seed, maxFaults);
            string file = SeedFile(outDir, seed, "");
            File.WriteAllText(file, FaultPlan.ScenarioText(baseText, plan, $"virtsim swarm {path}: seed {seed}, {plan.Count} faults drawn from the scenario's fault space"));
            var started = Stopwatch.StartNew();
            var verdict = runOne(file, seed);
            if (!verdict.Failed) File.Delete(file); // only failures are kept for replay
            results[seed] = (plan, verdict);
            int n = Interlocked.Increment(ref done);
            lock (stderr)
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{n}/{seeds.Count}] seed {seed}: {verdict.Name}{(verdict.Detail.Length > 0 ? $" ({verdict.Detail})" : "")}, faults: {plan.Count}, {started.Elapsed.TotalSeconds:0.0} s"));
        });
        watch.Stop();

        WriteTable(results, seeds, watch.Elapsed, stdout);
        var failing = results.Where(r => r.Value.Verdict.Failed).OrderBy(r => r.Key).ToList();
        if (failing.Count == 0) return ExitCodes.Ok;
        stdout.WriteLine("failing seeds (each command replays its run bit for bit):");
        foreach (var (seed, (plan, verdict)) in failing)
            stdout.WriteLine($"  seed {seed}: {verdict.Name}: virtsim run {SeedFile(outDir, seed, "")} --seed {seed}");
        stdout.Flush();
        if (shrinkRuns == 0) return ExitCodes.ChecksFailed;

        // A store failure says nothing of the devices: nothing to shrink.
        var shrinkable = failing.Where(f => f.Value.Verdict.Kind != RunVerdictKind.StoreFailed).ToList();
        // The world shrinks too when its hosts can be written back entry by entry (not from host templates).
        var baseConfig = ScenarioSource.LoadConfig(path);
        bool cutsWorld = HostsOverride.For(baseConfig, spec) is not null;
        var shrunk = new ConcurrentDictionary<int, ShrinkResult>();
        Parallel.ForEach(shrinkable, new ParallelOptions { MaxDegreeOfParallelism = jobs }, f =>
        {
            int seed = f.Key;
            string trial = SeedFile(outDir, seed, ".try");
            int tries = 0;
            RunVerdict Run(IReadOnlyList<PlannedFault> plan, WorldSpec world)
            {
                File.WriteAllText(trial, ScenarioText(plan, world, "shrinking"));
                var verdict = runOne(trial, seed);
                lock (stderr) stderr.WriteLine($"shrink seed {seed}, run {++tries}: faults: {plan.Count}, devices: {world.AllDevices().Count()}, {verdict.Name}");
                return verdict;
            }
            string ScenarioText(IReadOnlyList<PlannedFault> plan, WorldSpec world, string comment) =>
                FaultPlan.ScenarioText(baseText, plan, $"virtsim swarm {path}: seed {seed}, {comment}",
                    ReferenceEquals(world, spec) ? null : HostsOverride.For(baseConfig, world));
            var result = cutsWorld
                ? Shrinker.Shrink(f.Value.Plan, spec, f.Value.Verdict, Run, space.MaxTime, shrinkRuns)
                : Shrinker.Shrink(f.Value.Plan, f.Value.Verdict, plan => Run(plan, spec), space.MaxTime, shrinkRuns) with { World = spec };
            File.Delete(trial);
            File.WriteAllText(SeedFile(outDir, seed, ".min"), ScenarioText(result.Plan, result.World,
                $"shrunk from {f.Value.Plan.Count} to {result.Plan.Count} faults, {Size(spec)} to {Size(result.World)} in {result.Runs} runs; still {result.Verdict.Name}"));
            shrunk[seed] = result;
        });
        stdout.WriteLine("shrunk (the smallest plan and world found that still break the same invariant):");
        foreach (var (seed, result) in shrunk.OrderBy(s => s.Key))
            stdout.WriteLine($"  seed {seed}: {results[seed].Plan.Count} -> {result.Plan.Count} faults, {Size(spec)} -> {Size(result.World)} in {result.Runs} runs, {result.Verdict.Name}: " +
                             $"virtsim run {SeedFile(outDir, seed, ".min")} --seed {seed}");
        return ExitCodes.ChecksFailed;
    }

    /// <summary>The scenario's fault space: its devices and hosts; host faults when it migrates VMs.</summary>
    private static FaultSpace Space(WorldSpec spec) => new(
        spec.AllDevices().Select(d => $"{d.Host.Name}/{d.Vm.Name}/{d.Device.Name}").ToList(),
        spec.Hosts.Select(h => h.Name).ToList(),
        spec.Migrations.Count > 0,
        spec.MaxVirtualTime)
    {
        PackedRingDevices = spec.AllDevices().Where(d => Fleet.Vendors.VendorProfiles.NegotiatesPackedRing(d.Device.Profile, d.Device.PackedRing))
            .Select(d => $"{d.Host.Name}/{d.Vm.Name}/{d.Device.Name}").ToHashSet(StringComparer.Ordinal),
    };

    // A world's size as the shrink report gives it.
    private static string Size(WorldSpec world) =>
        string.Create(CultureInfo.InvariantCulture, $"{world.AllDevices().Count()} devices/{WorldCuts.TotalRequests(world)} requests");

    private static string SeedFile(string outDir, int seed, string suffix) =>
        Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"seed-{seed}{suffix}.conf"));

    private static void WriteTable(ConcurrentDictionary<int, (IReadOnlyList<PlannedFault> Plan, RunVerdict Verdict)> results, SeedRange seeds, TimeSpan elapsed, TextWriter stdout)
    {
        var rows = results.GroupBy(r => r.Value.Verdict.Name)
            .Select(g => (Outcome: g.Key, Seeds: g.Select(r => r.Key).Order().ToList()))
            .OrderBy(r => r.Outcome == "passed" ? 0 : 1).ThenBy(r => r.Outcome, StringComparer.Ordinal).ToList();
        int width = Math.Max("outcome".Length, rows.Max(r => r.Outcome.Length));
        stdout.WriteLine();
        stdout.WriteLine($"{"outcome".PadRight(width)}  {"runs",6}  seeds");
        foreach (var (outcome, list) in rows)
        {
            string shown = string.Join(", ", list.Take(10)) + (list.Count > 10 ? $", ... ({list.Count - 10} more)" : "");
            stdout.WriteLine($"{outcome.PadRight(width)}  {list.Count,6}  {shown}");
        }
        double perMinute = elapsed.TotalSeconds > 0 ? seeds.Count / elapsed.TotalMinutes : 0;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seeds.Count} seeds in {elapsed.TotalSeconds:0.0} s ({perMinute:0.0} seeds/minute)"));
        stdout.WriteLine();
        stdout.Flush();
    }
}
