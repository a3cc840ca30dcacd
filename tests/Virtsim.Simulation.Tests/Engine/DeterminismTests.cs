using Akka.Actor;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Environment;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Simulation.Tests.Engine;

/// <summary>The seed decides the run: same seed same trace, another seed another interleaving.</summary>
public class DeterminismTests
{
    private sealed record Gossip(int Hops);
    private sealed record Tick;

    /// <summary>Forwards gossip to a random peer after a random delay, and ticks on a timer.</summary>
    private sealed class Peer : ReceiveActor, IWithTimers
    {
        private int _delayed;

        public ITimerScheduler Timers { get; set; } = null!;

        public Peer(int peers)
        {
            var random = ActorEnvironment.For(Context.System).Random;
            Receive<Gossip>(g =>
            {
                if (g.Hops == 0) return;
                var next = Context.System.ActorSelection($"/user/p{random.Next(peers)}");
                if (random.Next(2) == 0) next.Tell(new Gossip(g.Hops - 1));
                else Timers.StartSingleTimer(_delayed++, new Gossip(g.Hops - 1), TimeSpan.FromMicroseconds(random.Next(1, 50)));
            });
            Receive<Tick>(_ => { });
            Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromMicroseconds(7));
        }
    }

    private static (ulong Hash, long Deliveries, IReadOnlyList<TraceEntry> Trace) Run(int seed)
    {
        using var sim = new Simulator(seed);
        var recorder = new TraceRecorder();
        sim.Observe(recorder);
        var system = sim.CreateSystem("world");
        const int peers = 8;
        var refs = Enumerable.Range(0, peers).Select(i => system.ActorOf(Props.Create(() => new Peer(peers)), $"p{i}")).ToList();
        foreach (var r in refs) r.Tell(new Gossip(30));
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        return (sim.TraceHash, sim.Deliveries, recorder.Entries.ToList());
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace()
    {
        var a = Run(42);
        var b = Run(42);
        Assert.True(a.Deliveries > 1000, $"only {a.Deliveries} deliveries");
        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void Another_seed_gives_another_trace()
    {
        var hashes = Enumerable.Range(1, 5).Select(seed => Run(seed).Hash).ToHashSet();
        Assert.Equal(5, hashes.Count);
    }

    [Fact]
    public void The_trace_names_receivers_by_path_and_never_by_uid()
    {
        var run = Run(7);
        Assert.Contains(run.Trace, e => e.Receiver == "/user/p3" && e.MessageType.EndsWith("Gossip", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Trace, e => e.Receiver.Contains('#'));
    }

    [Fact]
    public void Actor_randomness_follows_the_seed_and_the_system_name()
    {
        int Draw(int seed, string name)
        {
            using var sim = new Simulator(seed);
            return ActorEnvironment.For(sim.CreateSystem(name)).Random.Next(int.MaxValue);
        }

        Assert.Equal(Draw(1, "a"), Draw(1, "a"));
        Assert.NotEqual(Draw(1, "a"), Draw(2, "a"));
        Assert.NotEqual(Draw(1, "a"), Draw(1, "b"));
    }
}
