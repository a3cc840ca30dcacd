using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using Microsoft.Data.Sqlite;
using Npgsql;
using Virtsim.Hocon;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Bench.Hosting;

/// <summary>
/// <c>akka-persistence [--actors N] [--events M] [--runs R] [--stores memory,sqlite,postgresql] [--modes persist,persist-async]
/// [--tuned HOCON]</c>: events per second that N persistent actors journal at once through Akka.Persistence.Sql (M
/// events each), and events per second that N fresh actors recover, on a SQLite file and on a throwaway PostgreSQL
/// server, with Akka.Persistence.Sql's own defaults ("untuned") and with Virtsim's reference.conf ("tuned", plus the
/// HOCON given with --tuned, read as a node configuration). The two are measured alternately in each run, so a load
/// that drifts on a shared machine favours neither; medians and the tuned/untuned ratio close the report.
/// </summary>
public static class AkkaPersistenceBenchmark
{
    private const string Usage = "usage: akka-persistence [--actors N] [--events M] [--runs R] [--stores memory,sqlite,postgresql] [--modes persist,persist-async] [--tuned HOCON]";
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        int actors = 100, events = 200, runs = 3;
        string[] stores = ["sqlite", "postgresql"], modes = ["persist", "persist-async"];
        string tunedHocon = "";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--actors" when i + 1 < args.Length: actors = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--events" when i + 1 < args.Length: events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs" when i + 1 < args.Length: runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--stores" when i + 1 < args.Length: stores = args[++i].Split(','); break;
                case "--modes" when i + 1 < args.Length: modes = args[++i].Split(','); break;
                case "--tuned" when i + 1 < args.Length: tunedHocon = args[++i]; break;
                default:
                    output.WriteLine($"unknown option {args[i]}; {Usage}");
                    return 2;
            }
        }
        PersistenceSettings tuned;
        try
        {
            tuned = PersistenceSettingsLoader.FromConfig(HoconConfig.Parse(tunedHocon));
        }
        catch (HoconException e)
        {
            output.WriteLine($"--tuned: {e.Message}");
            return 2;
        }
        output.WriteLine($"{actors} actors x {events} events, {runs} runs; tuned: {Describe(tuned)}");
        return RunAsync(actors, events, runs, stores, modes, tuned, output).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Akka.Persistence.Sql's own reference values (and Akka's max-concurrent-recoveries), put above what
    /// <see cref="AkkaPersistenceConfig"/> makes of the settings: the store as the plug-in comes, untuned.
    /// </summary>
    private const string UntunedAkka = """
        akka.persistence.max-concurrent-recoveries = 50
        akka.persistence.journal.sql { batch-size = 100, parallelism = 3, buffer-size = 5000, replay-batch-size = 1000, read-isolation-level = unspecified }
        akka.persistence.snapshot-store.sql { read-isolation-level = unspecified }
        """;

    private static string Describe(PersistenceSettings s) =>
        $"batch-size {s.Journal.BatchSize}, parallelism {s.Journal.Parallelism} (sqlite 1), buffer-size {s.Journal.BufferSize}, " +
        $"replay-batch-size {s.Journal.ReplayBatchSize}, max-concurrent-recoveries {s.Journal.MaxConcurrentRecoveries}, sqlite synchronous {s.Sqlite.Synchronous}";

    private sealed record Sample(string Store, string Mode, string Tuning, double WritesPerSecond, double RecoveredPerSecond);

    private static async Task<int> RunAsync(int actors, int events, int runs, string[] stores, string[] modes,
        PersistenceSettings tuned, TextWriter output)
    {
        TemporaryPostgresServer? server = stores.Contains("postgresql") ? await TemporaryPostgresServer.StartAsync() : null;
        try
        {
            var samples = new List<Sample>();
            for (int run = 1; run <= runs; run++)
            {
                foreach (string store in stores)
                {
                    foreach (string mode in modes)
                    {
                        // Alternate which goes first.
                        var order = run % 2 == 1 ? new[] { "untuned", "tuned" } : new[] { "tuned", "untuned" };
                        foreach (string name in order)
                        {
                            var (writes, recovered) = await MeasureAsync(store, server, tuned, name == "untuned", actors, events, mode == "persist-async");
                            var sample = new Sample(store, mode, name, writes, recovered);
                            samples.Add(sample);
                            output.WriteLine($"run {run} {store,-10} {mode,-13} {name,-8} write {writes,9:N0} ev/s   recovery {recovered,9:N0} ev/s");
                        }
                    }
                }
            }
            output.WriteLine();
            output.WriteLine($"{"store",-11}{"mode",-14}{"write untuned",14}{"write tuned",13}{"ratio",7}{"recov untuned",15}{"recov tuned",13}{"ratio",7}   (medians, ev/s)");
            foreach (var group in samples.GroupBy(s => (s.Store, s.Mode)))
            {
                double wu = Median(group.Where(s => s.Tuning == "untuned").Select(s => s.WritesPerSecond));
                double wt = Median(group.Where(s => s.Tuning == "tuned").Select(s => s.WritesPerSecond));
                double ru = Median(group.Where(s => s.Tuning == "untuned").Select(s => s.RecoveredPerSecond));
                double rt = Median(group.Where(s => s.Tuning == "tuned").Select(s => s.RecoveredPerSecond));
                output.WriteLine($"{group.Key.Store,-11}{group.Key.Mode,-14}{wu,14:N0}{wt,13:N0}{wt / wu,7:F2}{ru,15:N0}{rt,13:N0}{rt / ru,7:F2}");
            }
            return 0;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>One measurement on a fresh store: writes by one actor system, recovery by a second.</summary>
    private static async Task<(double Writes, double Recovered)> MeasureAsync(string store, TemporaryPostgresServer? server,
        PersistenceSettings tuning, bool untuned, int actors, int events, bool async)
    {
        // Untuned runs on the same store with SQLite's own flushing and a bare PostgreSQL connection string.
        if (untuned)
            tuning = tuning with { Sqlite = tuning.Sqlite with { Synchronous = SqliteSynchronous.Full }, PostgreSql = PersistenceSettings.Reference.PostgreSql };
        await using var fresh = await FreshStore.CreateAsync(store, server, tuning);
        var settings = fresh.Settings;
        await PersistenceStore.PrepareAsync(settings);
        var config = Akka.Configuration.ConfigurationFactory.ParseString(untuned ? UntunedAkka : "")
            .WithFallback(AkkaPersistenceConfig.ToConfig(settings))
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.log-dead-letters = off"));
        // Untuned goes without the setups too (for SQLite, the per-connection preparation).
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (!untuned)
            foreach (var extra in AkkaPersistenceConfig.ToSetups(settings)) setup = setup.And(extra);

        double writes;
        using (var system = ActorSystem.Create("bench", setup))
        {
            // Warm-up (tables created, code compiled, connections pooled) with actors of their own.
            await RecoverAsync(system, "warm", actors);
            await WriteAsync(system, "warm", actors, Math.Max(1, events / 10), async);
            var refs = await RecoverAsync(system, "pid", actors);
            var clock = Stopwatch.StartNew();
            await WriteAsync(system, refs, events, async);
            writes = (double)actors * events / clock.Elapsed.TotalSeconds;
            await system.Terminate();
        }

        // Akka's in-memory journal lives and dies with its actor system: nothing to recover in a new one.
        if (settings.Plugin == PersistencePlugin.Memory) return (writes, double.NaN);
        double recovered;
        using (var system = ActorSystem.Create("bench", setup))
        {
            await RecoverAsync(system, "warm", actors);
            var clock = Stopwatch.StartNew();
            var (collector, completion) = StartCollector(system, actors);
            for (int i = 0; i < actors; i++) system.ActorOf(BenchPersistentActor.Props($"pid-{i}", collector));
            long replayed = await completion.WaitAsync(PhaseTimeout);
            recovered = replayed / clock.Elapsed.TotalSeconds;
            if (replayed != (long)actors * events)
                throw new InvalidOperationException($"recovered {replayed} events, expected {actors * events}");
            await system.Terminate();
        }
        return (writes, recovered);
    }

    private static (IActorRef Collector, Task<long> Completion) StartCollector(ActorSystem system, int expected)
    {
        var completion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (system.ActorOf(BenchCollector.Props(expected, completion)), completion.Task);
    }

    private static async Task<IActorRef[]> RecoverAsync(ActorSystem system, string prefix, int actors)
    {
        var (collector, completion) = StartCollector(system, actors);
        var refs = Enumerable.Range(0, actors).Select(i => system.ActorOf(BenchPersistentActor.Props($"{prefix}-{i}", collector))).ToArray();
        await completion.WaitAsync(PhaseTimeout);
        return refs;
    }

    private static async Task WriteAsync(ActorSystem system, string prefix, int actors, int events, bool async) =>
        await WriteAsync(system, Enumerable.Range(0, actors).Select(i => system.ActorOf(BenchPersistentActor.Props($"{prefix}-w-{i}", ActorRefs.Nobody))).ToArray(), events, async);

    private static async Task WriteAsync(ActorSystem system, IActorRef[] refs, int events, bool async)
    {
        var (collector, completion) = StartCollector(system, refs.Length);
        foreach (var actor in refs) actor.Tell(new BenchPersistentActor.Run(events, async), collector);
        await completion.WaitAsync(PhaseTimeout);
    }
}
