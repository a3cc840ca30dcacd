using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tracing;
using Virtsim.Persistence;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>Persistent actors on SQLite replay bit-for-bit from the simulation's seed.</summary>
public class PersistenceDeterminismTests
{
    /// <summary>Collects every reply and notification, in arrival order.</summary>
    private sealed class Sink : ReceiveActor
    {
        public readonly List<string> Seen = new();
        public Sink() => ReceiveAny(m => Seen.Add($"{Sender.Path.Name}:{m}"));
    }

    private static async Task<(ulong Hash, long Deliveries, string Replies, string Journal)> RunAsync(int seed)
    {
        await using var stores = await SqliteStores.CreateAsync();
        var sim = new SimulationDispatcher(seed);
        var trace = new TraceHash();
        string replies;
        using (var system = ActorSystem.Create("node", new ActorSystemOptions { Dispatcher = sim }))
        {
            system.AddTrace(trace);
            Sink sinkActor = null!;
            var sink = system.ActorOf(Props.Create(() => sinkActor = new Sink()), "sink");
            var options = new PersistentActorOptions
            {
                SnapshotEvery = 4,
                DeleteAfterSnapshot = true,
                SimulatedStoreLatency = TimeSpan.FromMilliseconds(1),
            };
            var counters = Enumerable.Range(0, 4)
                .Select(i => system.ActorOf(Props.Create(() => new Counter($"det-{i}", new PersistenceSetup(stores.Journal, stores.Snapshots, 1, options), sink)), $"counter-{i}"))
                .ToArray();
            var random = new Random(seed); // the workload is part of the run, drawn from the same seed
            for (var i = 0; i < 60; i++)
            {
                var target = counters[random.Next(counters.Length)];
                if (i % 9 == 8) target.Tell(new Crash(), sink);
                else if (i % 5 == 4) target.Tell(new AddMany([i, i + 1]), sink);
                else target.Tell(new Add(i), sink);
            }
            foreach (var c in counters) c.Tell(new GetStatus(), sink);
            sim.RunFor(TimeSpan.FromSeconds(5));
            replies = string.Join("\n", sinkActor.Seen);
        }

        var journal = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            foreach (var e in await stores.Journal.ReadBatchAsync($"det-{i}", 1, long.MaxValue, 1000))
                journal.Add($"{e.PersistenceId}/{e.SequenceNr}/{e.Epoch}/{e.Manifest}/{Convert.ToHexString(e.Payload.Span)}");
            var s = await stores.Snapshots.LoadLatestAsync($"det-{i}", SnapshotCriteria.Any);
            if (s is not null) journal.Add($"snapshot {s.Metadata.SequenceNr} {s.Metadata.Timestamp.UtcTicks} {Convert.ToHexString(s.Payload.Span)}");
        }
        return (trace.Value, trace.Count, replies, string.Join("\n", journal));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_trace_replies_and_stored_bytes_with_sqlite()
    {
        var first = await RunAsync(1234);
        var second = await RunAsync(1234);
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(first.Deliveries, second.Deliveries);
        Assert.Equal(first.Replies, second.Replies);
        Assert.Equal(first.Journal, second.Journal);
        Assert.Contains("Status", first.Replies); // the run did reach its end
        Assert.Contains("snapshot", first.Journal);

        var other = await RunAsync(4321);
        Assert.NotEqual(first.Hash, other.Hash);
    }
}
