using Virtsim.Actors.Events;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Persistence;
using Virtsim.Persistence.Memory;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>Commands that arrive while a write is in flight wait for it; each reply goes to its own sender.</summary>
public class PersistStashTests
{
    [Fact]
    public void Threaded_commands_arriving_during_a_slow_write_are_stashed_and_handled_after_it_in_order()
    {
        var journal = new GateJournal(new MemoryJournal());
        using var kit = new ActorTestKit(DispatcherKind.Threaded);
        var a = kit.CreateProbe();
        var b = kit.CreateProbe();
        var counter = kit.ActorOf(Virtsim.Actors.Actors.Props.Create(() => new Counter("c-gate", new PersistenceSetup(journal, new MemorySnapshotStore()), null)));

        a.Send(counter, new Add(1));
        Assert.True(kit.AwaitCondition(() => Volatile.Read(ref journal.Waiting) == 1));
        b.Send(counter, new GetStatus());
        a.Send(counter, new Add(2));
        b.ExpectNoMsg(); // the status waits for the write of Add(1)
        a.ExpectNoMsg();

        journal.Open();
        Assert.Equal(1, a.ExpectMsg<Applied>().SequenceNr);
        var status = b.ExpectMsg<Status>();
        Assert.Equal(1, status.LastSequenceNr); // after Add(1) was applied, before Add(2)
        Assert.Equal(1, status.State.Total);
        var second = a.ExpectMsg<Applied>();
        Assert.Equal(2, second.SequenceNr);
        Assert.Equal(3, second.State.Total);
    }

    [Fact]
    public void Simulated_store_latency_delays_completions_in_virtual_time_and_commands_wait_for_them()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var a = kit.CreateProbe();
        var b = kit.CreateProbe();
        var options = new PersistentActorOptions { SimulatedStoreLatency = TimeSpan.FromMilliseconds(5) };
        var counter = kit.ActorOf(Virtsim.Actors.Actors.Props.Create(() =>
            new Counter("c-latency", new PersistenceSetup(new MemoryJournal(), new MemorySnapshotStore(), 0, options), null)));

        a.Send(counter, new Add(1));
        b.Send(counter, new GetStatus());
        a.Send(counter, new Add(2));

        Assert.Equal(1, a.ExpectMsg<Applied>().SequenceNr);
        // Claim (5 ms) + snapshot load (5 ms) + the append (5 ms), all in virtual time.
        Assert.Equal(TimeSpan.FromMilliseconds(15), kit.Simulation!.Elapsed);
        Assert.Equal(1, b.ExpectMsg<Status>().LastSequenceNr);
        Assert.Equal(2, a.ExpectMsg<Applied>().SequenceNr);
        Assert.Equal(TimeSpan.FromMilliseconds(20), kit.Simulation.Elapsed);
    }

    [Theory, MemberData(nameof(Both))]
    public void The_events_of_one_command_go_to_the_journal_as_one_append(DispatcherKind kind)
    {
        var journal = new RecordingJournal(new MemoryJournal());
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var counter = kit.ActorOf(Virtsim.Actors.Actors.Props.Create(() => new Counter("c-batch", new PersistenceSetup(journal, new MemorySnapshotStore(), 3), null)));

        probe.Send(counter, new AddMany([1, 2, 3]));
        probe.ReceiveN<Applied>(3);
        probe.Send(counter, new Add(4));
        probe.ExpectMsg<Applied>();

        var appends = journal.Appends.ToArray();
        Assert.Equal(2, appends.Length);
        Assert.Equal([1L, 2L, 3L], appends[0].Events.Select(e => e.SequenceNr));
        Assert.Equal([4L], appends[1].Events.Select(e => e.SequenceNr));
        Assert.All(appends, r => Assert.Equal(3, r.Epoch)); // every write carries the writer's epoch
    }

    [Theory, MemberData(nameof(Both))]
    public async Task A_failed_write_runs_no_handler_and_stops_the_actor_with_the_store_error(DispatcherKind kind)
    {
        var memory = new MemoryJournal();
        using var kit = new ActorTestKit(kind);
        var errors = kit.Collect<ActorError>();
        var probe = kit.CreateProbe();
        var counter = kit.ActorOf(Virtsim.Actors.Actors.Props.Create(() => new Counter("c-broken", new PersistenceSetup(new BrokenJournal(memory), new MemorySnapshotStore()), null)));
        probe.Watch(counter);

        probe.Send(counter, new AddMany([1, 2]));
        probe.Send(counter, new GetStatus()); // stashed behind the write; becomes a dead letter when the actor stops
        probe.ExpectTerminated(counter);
        var failure = (PersistenceFailureException)Assert.Single(errors, e => e.Cause is PersistenceFailureException).Cause;
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Equal("persist", failure.Phase);
        Assert.Equal(0, await memory.ReadHighestSequenceNrAsync("c-broken"));
    }

    [Theory, MemberData(nameof(Both))]
    public void A_failed_write_is_handed_to_the_actor_before_it_stops(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var counter = kit.ActorOf(Virtsim.Actors.Actors.Props.Create(() =>
            new Counter("c-told", new PersistenceSetup(new BrokenJournal(new MemoryJournal()), new MemorySnapshotStore()), probe.Ref)));
        probe.Watch(counter);

        probe.Send(counter, new Add(5));
        var seen = probe.ExpectMsg<FailureSeen>().Failure;
        Assert.Equal(("c-told", "persist", 1L), (seen.PersistenceId, seen.Phase, seen.SequenceNr));
        Assert.Equal("disk on fire", seen.InnerException!.Message);
        probe.ExpectTerminated(counter);
    }

    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;
}
