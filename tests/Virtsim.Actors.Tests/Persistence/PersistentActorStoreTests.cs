using Virtsim.Actors.Actors;
using Virtsim.Actors.Events;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Persistence;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>
/// The persistent actor's behaviour against one kind of store, on both dispatchers. Subclasses pick the store
/// (memory, SQLite, PostgreSQL).
/// </summary>
public abstract class PersistentActorStoreTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    protected abstract Task<TestStores> CreateStoresAsync();

    protected static PersistenceSetup Setup(TestStores stores, long epoch = 0, PersistentActorOptions? options = null) =>
        new(stores.Journal, stores.Snapshots, epoch, options);

    protected static IActorRef Spawn(ActorTestKit kit, string id, PersistenceSetup setup, IActorRef? monitor = null, string? name = null) =>
        kit.ActorOf(Props.Create(() => new Counter(id, setup, monitor)), name);

    protected static CounterState AddOneByOne(TestProbe probe, IActorRef counter, IEnumerable<int> amounts)
    {
        Applied? last = null;
        foreach (var a in amounts)
        {
            probe.Send(counter, new Add(a));
            last = probe.ExpectMsg<Applied>();
        }
        return last!.State;
    }

    protected static CounterState Expected(IEnumerable<int> amounts) => amounts.Aggregate(CounterState.Empty, (s, a) => s.Apply(a));

    protected static PersistenceFailureException ExpectFailure(ActorTestKit kit, System.Collections.Concurrent.ConcurrentQueue<ActorError> errors)
    {
        Assert.True(kit.AwaitCondition(() => errors.Any(e => e.Cause is PersistenceFailureException)), "no PersistenceFailureException published");
        return (PersistenceFailureException)errors.First(e => e.Cause is PersistenceFailureException).Cause;
    }

    [Theory, MemberData(nameof(Both))]
    public async Task Persist_writes_then_applies_then_replies_and_a_batch_is_one_atomic_write(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var counter = Spawn(kit, "c-order", Setup(stores));

        probe.Send(counter, new Add(5));
        var first = probe.ExpectMsg<Applied>();
        Assert.Equal(1, first.SequenceNr);
        Assert.Equal(1, first.JournalHighestAtApply); // durable before the handler ran
        Assert.Equal(counter, probe.LastSender); // the handler's Sender was the command's sender: the probe

        probe.Send(counter, new AddMany([1, 2, 3]));
        var batch = probe.ReceiveN<Applied>(3);
        Assert.Equal([2L, 3L, 4L], batch.Select(a => a.SequenceNr));
        Assert.Equal([1, 2, 3], batch.Select(a => a.Amount));
        Assert.All(batch, a => Assert.Equal(4, a.JournalHighestAtApply)); // all three written before the first handler
        Assert.Equal(Expected([5, 1, 2, 3]), batch[^1].State);

        var stored = await stores.Journal.ReadBatchAsync("c-order", 1, long.MaxValue, 100);
        Assert.Equal([1L, 2L, 3L, 4L], stored.Select(e => e.SequenceNr));
        Assert.All(stored, e => Assert.Equal("added", e.Manifest));
    }

    [Theory, MemberData(nameof(Both))]
    public async Task A_refused_batch_writes_none_of_its_events_runs_no_handler_and_stops_the_actor(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var errors = kit.Collect<ActorError>();
        var probe = kit.CreateProbe();
        var counter = Spawn(kit, "c-conflict", Setup(stores));
        probe.Send(counter, new GetStatus());
        probe.ExpectMsg<Status>(); // recovered: it will write from sequence nr 1

        // Another writer takes sequence nr 1 behind the actor's back.
        await stores.Journal.AppendAsync(new AppendRequest("c-conflict", 0, [new EventToAppend(1, "added", new byte[] { 9, 0, 0, 0 })]));
        probe.Watch(counter);
        probe.Send(counter, new AddMany([1, 2, 3]));

        var failure = ExpectFailure(kit, errors);
        Assert.IsType<JournalConflictException>(failure.InnerException);
        Assert.Equal("persist", failure.Phase);
        Assert.Equal(1, failure.SequenceNr);
        Assert.Contains("c-conflict", failure.Message);
        probe.ExpectTerminated(counter);
        Assert.Equal(1, await stores.Journal.ReadHighestSequenceNrAsync("c-conflict"));
        Assert.Single(await stores.Journal.ReadBatchAsync("c-conflict", 1, long.MaxValue, 100));
    }

    [Theory, MemberData(nameof(Both))]
    public async Task Snapshots_every_n_events_and_a_restart_by_the_supervisor_recovers_from_snapshot_plus_tail(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var monitor = kit.CreateProbe();
        var counter = Spawn(kit, "c-restart", Setup(stores, options: new PersistentActorOptions { SnapshotEvery = 3 }), monitor.Ref);

        int[] amounts = [4, 8, 15, 16, 23, 42, 7, 1];
        var before = AddOneByOne(probe, counter, amounts);
        Assert.Equal(3, monitor.ExpectMsg<SnapshotSaved>().Metadata.SequenceNr);
        Assert.Equal(6, monitor.ExpectMsg<SnapshotSaved>().Metadata.SequenceNr);
        var latest = await stores.Snapshots.LoadLatestAsync("c-restart", SnapshotCriteria.Any);
        Assert.Equal(6, latest!.Metadata.SequenceNr);
        Assert.Equal(Expected(amounts.Take(6)), CounterSerializer.Instance.Read(latest.Manifest, latest.Payload.Span));

        probe.Send(counter, new Crash()); // the default supervisor restarts it: a fresh instance recovers
        probe.Send(counter, new GetStatus());
        var status = probe.ExpectMsg<Status>();
        Assert.Equal(before, status.State);
        Assert.Equal(8, status.LastSequenceNr);
        Assert.Equal(6, status.RecoveredFromSnapshot);
        Assert.Equal(2, status.EventsReplayed);

        probe.Send(counter, new Add(100)); // numbering continues
        Assert.Equal(9, probe.ExpectMsg<Applied>().SequenceNr);
    }

    [Theory, MemberData(nameof(Both))]
    public async Task A_fresh_system_over_reopened_stores_recovers_the_state_from_before(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        var options = new PersistentActorOptions { SnapshotEvery = 4 };
        int[] amounts = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
        CounterState before;
        using (var kit = new ActorTestKit(kind))
        {
            var probe = kit.CreateProbe();
            var monitor = kit.CreateProbe();
            var counter = Spawn(kit, "c-fresh", Setup(stores, options: options), monitor.Ref);
            before = AddOneByOne(probe, counter, amounts);
            monitor.ExpectMsg<SnapshotSaved>();
            Assert.Equal(8, monitor.ExpectMsg<SnapshotSaved>().Metadata.SequenceNr);
        }

        await stores.ReopenAsync();
        using (var kit = new ActorTestKit(kind, seed: 7))
        {
            var probe = kit.CreateProbe();
            var counter = Spawn(kit, "c-fresh", Setup(stores, options: options));
            probe.Send(counter, new GetStatus());
            var status = probe.ExpectMsg<Status>();
            Assert.Equal(before, status.State);
            Assert.Equal(Expected(amounts), status.State);
            Assert.Equal(10, status.LastSequenceNr);
            Assert.Equal(8, status.RecoveredFromSnapshot);
            Assert.Equal(2, status.EventsReplayed);
        }
    }

    [Theory, MemberData(nameof(Both))]
    public async Task A_snapshot_on_demand_is_saved_at_the_last_sequence_nr(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var monitor = kit.CreateProbe();
        var counter = Spawn(kit, "c-snap", Setup(stores), monitor.Ref);
        var state = AddOneByOne(probe, counter, [10, 20]);

        probe.Send(counter, new TakeSnapshot());
        var saved = monitor.ExpectMsg<SnapshotSaved>();
        Assert.Equal("c-snap", saved.Metadata.PersistenceId);
        Assert.Equal(2, saved.Metadata.SequenceNr);
        var loaded = await stores.Snapshots.LoadLatestAsync("c-snap", SnapshotCriteria.Any);
        Assert.Equal(state, CounterSerializer.Instance.Read(loaded!.Manifest, loaded.Payload.Span));
        Assert.Equal(saved.Metadata.Timestamp.UtcTicks, loaded.Metadata.Timestamp.UtcTicks);
    }

    [Theory, MemberData(nameof(Both))]
    public async Task Deleting_after_each_snapshot_drops_covered_events_and_older_snapshots_and_recovery_still_matches(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        var options = new PersistentActorOptions { SnapshotEvery = 4, DeleteAfterSnapshot = true };
        int[] amounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        using (var kit = new ActorTestKit(kind))
        {
            var probe = kit.CreateProbe();
            var monitor = kit.CreateProbe();
            var counter = Spawn(kit, "c-delete", Setup(stores, options: options), monitor.Ref);
            AddOneByOne(probe, counter, amounts);
            var notes = monitor.ReceiveN<PersistenceNotification>(6);
            Assert.Contains(notes, n => n is SnapshotSaved { Metadata.SequenceNr: 4 });
            Assert.Contains(notes, n => n is SnapshotSaved { Metadata.SequenceNr: 8 });
            Assert.Contains(new EventsDeleted(4), notes);
            Assert.Contains(new SnapshotsDeleted(3), notes);
            Assert.Contains(new EventsDeleted(8), notes);
            Assert.Contains(new SnapshotsDeleted(7), notes);
        }

        Assert.Equal([9L, 10L], (await stores.Journal.ReadBatchAsync("c-delete", 1, long.MaxValue, 100)).Select(e => e.SequenceNr));
        Assert.Equal(10, await stores.Journal.ReadHighestSequenceNrAsync("c-delete"));
        Assert.Null(await stores.Snapshots.LoadLatestAsync("c-delete", SnapshotCriteria.UpTo(7)));
        Assert.Equal(8, (await stores.Snapshots.LoadLatestAsync("c-delete", SnapshotCriteria.Any))!.Metadata.SequenceNr);

        await stores.ReopenAsync();
        using (var kit = new ActorTestKit(kind))
        {
            var probe = kit.CreateProbe();
            var counter = Spawn(kit, "c-delete", Setup(stores, options: options));
            probe.Send(counter, new GetStatus());
            var status = probe.ExpectMsg<Status>();
            Assert.Equal(Expected(amounts), status.State);
            Assert.Equal(8, status.RecoveredFromSnapshot);
            Assert.Equal(2, status.EventsReplayed);
        }
    }

    [Theory, MemberData(nameof(Both))]
    public async Task Deleting_events_on_demand_keeps_the_numbering(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var monitor = kit.CreateProbe();
        var counter = Spawn(kit, "c-del-demand", Setup(stores), monitor.Ref);
        AddOneByOne(probe, counter, [1, 2, 3, 4, 5]);

        probe.Send(counter, new DeleteEvents(3));
        Assert.Equal(new EventsDeleted(3), monitor.ExpectMsg<EventsDeleted>());
        Assert.Equal([4L, 5L], (await stores.Journal.ReadBatchAsync("c-del-demand", 1, long.MaxValue, 100)).Select(e => e.SequenceNr));

        probe.Send(counter, new Crash());
        probe.Send(counter, new GetStatus());
        var status = probe.ExpectMsg<Status>();
        Assert.Equal(2, status.EventsReplayed); // only the events kept (no snapshot covers 1..3)
        Assert.Equal(Expected([4, 5]), status.State);
        Assert.Equal(5, status.LastSequenceNr);
        probe.Send(counter, new Add(6));
        Assert.Equal(6, probe.ExpectMsg<Applied>().SequenceNr);
    }

    [Theory, MemberData(nameof(Both))]
    public async Task A_newer_incarnation_fences_the_old_one_which_stops_on_its_next_write(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using var kit = new ActorTestKit(kind);
        var errors = kit.Collect<ActorError>();
        var probe = kit.CreateProbe();
        var old = Spawn(kit, "c-fence", Setup(stores, epoch: 1), name: "old");
        AddOneByOne(probe, old, [1, 2]);

        var successor = Spawn(kit, "c-fence", Setup(stores, epoch: 2), name: "new");
        probe.Send(successor, new GetStatus());
        Assert.Equal(Expected([1, 2]), probe.ExpectMsg<Status>().State); // the new owner took over the old one's events

        probe.Watch(old);
        probe.Send(old, new Add(3));
        var failure = ExpectFailure(kit, errors);
        var fenced = Assert.IsType<FencedWriterException>(failure.InnerException);
        Assert.Equal(1, fenced.WriterEpoch);
        Assert.Equal(2, fenced.CurrentEpoch);
        Assert.Equal(3, failure.SequenceNr);
        probe.ExpectTerminated(old); // the Add(3) got no reply: nothing was applied

        probe.Send(successor, new Add(30));
        var applied = probe.ExpectMsg<Applied>();
        Assert.Equal(3, applied.SequenceNr);
        Assert.Equal(Expected([1, 2, 30]), applied.State);
        var stored = await stores.Journal.ReadBatchAsync("c-fence", 1, long.MaxValue, 100);
        Assert.Equal([1L, 1L, 2L], stored.Select(e => e.Epoch));
    }

    [Theory, MemberData(nameof(Both))]
    public async Task An_incarnation_starting_with_a_superseded_epoch_stops_during_recovery(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        await stores.Journal.ClaimAsync("c-stale", 5);
        using var kit = new ActorTestKit(kind);
        var errors = kit.Collect<ActorError>();
        var probe = kit.CreateProbe();
        var stale = Spawn(kit, "c-stale", Setup(stores, epoch: 4));
        probe.Watch(stale);

        var failure = ExpectFailure(kit, errors);
        Assert.Equal("recovery", failure.Phase);
        Assert.IsType<FencedWriterException>(failure.InnerException);
        probe.ExpectTerminated(stale);
    }

    /// <summary>Shared by the stores whose rows a test can reach.</summary>
    protected async Task A_corrupted_row_stops_recovery_with_an_error_naming_id_and_sequence_nr(DispatcherKind kind)
    {
        await using var stores = await CreateStoresAsync();
        using (var kit = new ActorTestKit(kind))
        {
            var probe = kit.CreateProbe();
            AddOneByOne(probe, Spawn(kit, "c-corrupt", Setup(stores)), [1, 2, 3]);
        }
        await stores.CorruptEventAsync("c-corrupt", 2);

        using (var kit = new ActorTestKit(kind))
        {
            var errors = kit.Collect<ActorError>();
            var probe = kit.CreateProbe();
            var counter = Spawn(kit, "c-corrupt", Setup(stores));
            probe.Watch(counter);
            probe.Send(counter, new GetStatus());

            var failure = ExpectFailure(kit, errors);
            var corruption = Assert.IsType<JournalCorruptionException>(failure.InnerException);
            Assert.Equal("c-corrupt", corruption.PersistenceId);
            Assert.Equal(2, corruption.SequenceNr);
            Assert.Equal(2, failure.SequenceNr);
            Assert.Equal("recovery", failure.Phase);
            Assert.Contains("'c-corrupt'", failure.Message);
            Assert.Contains("sequence nr 2", failure.Message);
            Assert.Equal(counter.Path, errors.First(e => e.Cause is PersistenceFailureException).Source);
            probe.ExpectTerminated(counter); // the stashed GetStatus is never answered
        }
    }
}
