using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Actors.Tracing;

namespace Virtsim.Actors.Tests.Tracing;

public class DeterminismTests
{
    private sealed record Token(int Id, int Hops);
    private sealed record Peers(IActorRef[] All);

    /// <summary>Passes tokens to random peers (the engine's seeded random) until their hops run out.</summary>
    private sealed class Gossip : ReceiveActor
    {
        private IActorRef[] _peers = [];

        public Gossip(IActorRef sink)
        {
            Receive<Peers>(p => _peers = p.All);
            Receive<Token>(t =>
            {
                if (t.Hops == 0)
                {
                    sink.Tell(t, Self);
                    return;
                }
                var next = _peers[Context.Random.Next(_peers.Length)];
                next.Tell(t with { Hops = t.Hops - 1 }, Self);
                if (t.Hops % 7 == 0) Timers.StartSingleTimer(t.Id, new Token(-t.Id, 3), TimeSpan.FromMilliseconds(Context.Random.Next(1, 50)));
            });
        }
    }

    private sealed class Sink : ReceiveActor
    {
        public int Count;
        public Sink() => Receive<Token>(_ => Count++);
    }

    /// <summary>Runs the gossip workload under simulation and returns its trace hash.</summary>
    private static (ulong Hash, long Deliveries) Run(int seed)
    {
        var sim = new SimulationDispatcher(seed);
        using var system = ActorSystem.Create("node", new ActorSystemOptions { Dispatcher = sim });
        var trace = new TraceHash();
        system.AddTrace(trace);
        var sink = system.ActorOf(Props.Create<Sink>(), "sink");
        var peers = Enumerable.Range(0, 8).Select(i => system.ActorOf(Props.Create(() => new Gossip(sink)), $"peer-{i}")).ToArray();
        foreach (var p in peers) p.Tell(new Peers(peers), null);
        for (var i = 0; i < 40; i++) peers[i % peers.Length].Tell(new Token(i + 1, 30), null);
        sim.RunFor(TimeSpan.FromSeconds(5));
        return (trace.Value, trace.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace()
    {
        var a = Run(1234);
        var b = Run(1234);

        Assert.True(a.Deliveries > 1000);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Different_seeds_give_different_interleavings()
    {
        var hashes = new[] { 1, 2, 3, 4, 5 }.Select(s => Run(s).Hash).ToArray();

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void The_interleaving_alone_changes_with_the_seed()
    {
        // Same actor randomness (system seed fixed), only the dispatcher's choice differs: no randomness in actors.
        static IReadOnlyList<TraceEntry> Run(int schedulingSeed)
        {
            var sim = new SimulationDispatcher(schedulingSeed);
            using var system = ActorSystem.Create("node", new ActorSystemOptions { Dispatcher = sim, Seed = 7 });
            var recorder = new TraceRecorder();
            system.AddTrace(recorder);
            var echoes = Enumerable.Range(0, 4).Select(i => system.ActorOf(Props.Create<Actors.EchoActor>(), $"e{i}")).ToArray();
            var probe = system.ActorOf(Props.Create<Quiet>(), "probe");
            for (var round = 0; round < 20; round++)
                foreach (var e in echoes) e.Tell(round, probe);
            sim.RunUntilIdle();
            return recorder.Entries;
        }

        var a = Run(1);
        var b = Run(1);
        var c = Run(2);
        Assert.Equal(a, b);
        Assert.Equal(TraceHash.Of(a), TraceHash.Of(b));
        Assert.Equal(a.Count, c.Count);
        Assert.NotEqual(TraceHash.Of(a), TraceHash.Of(c));
    }

    private sealed class Quiet : ReceiveActor
    {
        public Quiet() => ReceiveAny(_ => { });
    }

    [Fact]
    public void The_same_seeded_randomness_reaches_actors_on_both_dispatchers()
    {
        static int[] Draw(DispatcherKind kind)
        {
            using var kit = new ActorTestKit(kind, seed: 99);
            return Enumerable.Range(0, 5).Select(_ => kit.System.Random.Next(1000)).ToArray();
        }

        Assert.Equal(Draw(DispatcherKind.Simulation), Draw(DispatcherKind.Threaded));
    }

    [Fact]
    public void The_threaded_dispatcher_delivers_the_same_workload_completely()
    {
        using var system = ActorSystem.Create("node", new ActorSystemOptions { Seed = 5 });
        var trace = new TraceHash();
        system.AddTrace(trace);
        var sink = system.ActorOf(Props.Create<Sink>(), "sink");
        var peers = Enumerable.Range(0, 8).Select(i => system.ActorOf(Props.Create(() => new Gossip(sink)), $"peer-{i}")).ToArray();
        foreach (var p in peers) p.Tell(new Peers(peers), null);
        for (var i = 0; i < 40; i++) peers[i % peers.Length].Tell(new Token(i + 1, 30), null);
        // 40 tokens * 31 deliveries + 40 sink deliveries + 8 Peers, plus timer-born tokens.
        Assert.True(SpinWait.SpinUntil(() => trace.Count >= 8 + 40 * 32, TimeSpan.FromSeconds(5)));
    }
}
