using Akka.Actor;
using Akka.Persistence;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Persistence;

namespace Virtsim.Simulation.Tests.Persistence;

/// <summary>Persistent actors under simulation: journal and snapshots on the simulation thread, in the simulator's store.</summary>
public class SimulationJournalTests
{
    private sealed record Add(int Value);
    private sealed record Added(int Value);
    private sealed record Get;
    private sealed record Crash;
    private sealed record Snap;

    private sealed class Counter : ReceivePersistentActor
    {
        private int _sum;
        private readonly List<string> _log;

        public Counter(string id, List<string> log)
        {
            PersistenceId = id;
            _log = log;
            Recover<Added>(a => _sum += a.Value);
            Recover<SnapshotOffer>(o => _sum = (int)o.Snapshot);
            Command<Add>(a => Persist(new Added(a.Value), e =>
            {
                _sum += e.Value;
                Sender.Tell(_sum);
            }));
            Command<Get>(_ => Sender.Tell(_sum));
            Command<Crash>(_ => throw new InvalidOperationException("crash"));
            Command<Snap>(_ => SaveSnapshot(_sum));
            Command<SaveSnapshotSuccess>(s => _log.Add($"snapshot {s.Metadata.SequenceNr}"));
        }

        public override string PersistenceId { get; }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _log.Add($"persist failed at {sequenceNr}: {cause.Message}");
            base.OnPersistFailure(cause, @event, sequenceNr);
        }
    }

    [Fact]
    public void A_restarted_actor_recovers_its_events()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var counter = system.ActorOf(Props.Create(() => new Counter("c1", new List<string>())), "c");
        for (var i = 1; i <= 10; i++) counter.Tell(new Add(i));
        sim.RunUntilIdle();
        counter.Tell(new Crash());
        sim.RunUntilIdle();
        Assert.Equal(55, sim.Ask<int>(counter, new Get(), TimeSpan.FromSeconds(5)));
        Assert.Equal(10, sim.Store.Events("c1").Count);
        Assert.Equal(10, sim.Store.HighestSequenceNr("c1"));
    }

    [Fact]
    public void A_new_actor_system_in_the_same_simulator_recovers_from_the_store()
    {
        using var sim = new Simulator(1);
        var first = sim.CreateSystem("one");
        var counter = first.ActorOf(Props.Create(() => new Counter("c2", new List<string>())), "c");
        counter.Tell(new Add(5));
        counter.Tell(new Add(6));
        sim.RunUntilIdle();
        first.Stop(counter);
        sim.RunUntilIdle();
        var second = sim.CreateSystem("two");
        var again = second.ActorOf(Props.Create(() => new Counter("c2", new List<string>())), "c");
        Assert.Equal(11, sim.Ask<int>(again, new Get(), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Recovery_starts_from_the_latest_snapshot()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var log = new List<string>();
        var counter = system.ActorOf(Props.Create(() => new Counter("c3", log)), "c");
        counter.Tell(new Add(1));
        counter.Tell(new Add(2));
        counter.Tell(new Snap());
        counter.Tell(new Add(3));
        sim.RunUntilIdle();
        Assert.Equal(["snapshot 2"], log);
        counter.Tell(new Crash());
        Assert.Equal(6, sim.Ask<int>(counter, new Get(), TimeSpan.FromSeconds(5)));
        Assert.Single(sim.Store.Snapshots("c3"));
    }

    [Fact]
    public void A_failing_store_stops_the_actor_and_says_why()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var log = new List<string>();
        var counter = system.ActorOf(Props.Create(() => new Counter("c4", log)), "c");
        counter.Tell(new Add(1));
        sim.RunUntilIdle();
        sim.Store.Fault = (op, id) => op == StoreOperation.Write && id == "c4" ? new IOException("database is locked") : null;
        counter.Tell(new Add(2));
        sim.RunUntilIdle();
        Assert.Equal(["persist failed at 2: database is locked"], log);
        Assert.Single(sim.Store.Events("c4"));
    }

    [Fact]
    public void Store_latency_takes_virtual_time()
    {
        using var sim = new Simulator(1);
        var config = Akka.Configuration.ConfigurationFactory.ParseString("virtsim.simulation.journal.latency = 2ms");
        var system = sim.CreateSystem("t", config);
        var counter = system.ActorOf(Props.Create(() => new Counter("c5", new List<string>())), "c");
        Assert.Equal(1, sim.Ask<int>(counter, new Add(1), TimeSpan.FromSeconds(5)));
        // Recovery (one replay) and the write each took 2 ms of virtual time.
        Assert.Equal(TimeSpan.FromMilliseconds(4), sim.Elapsed);
    }
}
