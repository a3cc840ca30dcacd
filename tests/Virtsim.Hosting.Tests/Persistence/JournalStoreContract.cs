using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>
/// What every Akka.Persistence.Sql store Virtsim offers must do, whatever the database: recover what it wrote,
/// start from snapshots, and refuse a second writer of one persistence id. Each store's test class derives from
/// this and says how to reach its database behind Akka's back.
/// </summary>
public abstract class JournalStoreContract
{
    /// <summary>Settings that select this store, on a database of the test's own.</summary>
    protected abstract PersistenceSettings StoreSettings();

    /// <summary>The journal rows of <paramref name="persistenceId"/>, read directly from the database.</summary>
    protected abstract IReadOnlyList<JournalRow> Rows(PersistenceSettings settings, string persistenceId, TestNode node);

    /// <summary>The sequence numbers of the snapshots of <paramref name="persistenceId"/>, read directly from the database.</summary>
    protected abstract Task<IReadOnlyList<long>> SnapshotSequenceNrsAsync(PersistenceSettings settings, string persistenceId);

    /// <summary>Checks that <paramref name="cause"/> is the database's own refusal of a duplicate key.</summary>
    protected abstract void AssertDuplicateKeyRefusal(Exception cause);

    [Fact]
    public async Task Events_persisted_by_one_system_are_recovered_by_a_fresh_one()
    {
        var settings = StoreSettings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var logs = Enumerable.Range(1, 5).Select(i => first.EventLog($"log-{i}")).ToArray();
            foreach (var log in logs) log.Tell(new Write("a", 40), first.Kit.TestActor);
            var written = Enumerable.Range(0, logs.Length).Select(_ => first.Kit.ExpectMsg<Written>(TestNode.Timeout)).ToArray();
            Assert.All(written, w => Assert.Equal(40, w.SequenceNr));
            Assert.Equal(70, first.Ask<Written>(logs[0], new Write("b", 30)).SequenceNr);
        }
        await using var second = await TestNode.StartAsync(settings);
        for (int i = 1; i <= 5; i++)
        {
            var expected = Enumerable.Range(1, 40).Select(n => $"a-{n}").Concat(i == 1 ? Enumerable.Range(1, 30).Select(n => $"b-{n}") : []).ToArray();
            var state = second.Ask<LogState>(second.EventLog($"log-{i}"), new GetState());
            Assert.Equal(expected, state.Events);
            Assert.Equal(expected.Length, state.LastSequenceNr);
            Assert.Null(state.SnapshotSequenceNr);
            Assert.Equal(expected.Select((e, n) => new JournalRow($"log-{i}", n + 1, e)), Rows(settings, $"log-{i}", second));
        }
    }

    [Fact]
    public async Task A_fresh_system_starts_from_the_snapshot_and_replays_only_the_events_after_it()
    {
        var settings = StoreSettings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var log = first.EventLog("snap-1");
            first.Ask<Written>(log, new Write("a", 30));
            Assert.Equal(30, first.Ask<SnapshotSaved>(log, new TakeSnapshot()).SequenceNr);
            first.Ask<Written>(log, new Write("b", 20));
        }
        Assert.Equal([30L], await SnapshotSequenceNrsAsync(settings, "snap-1"));
        await using var second = await TestNode.StartAsync(settings);
        var state = second.Ask<LogState>(second.EventLog("snap-1"), new GetState());
        Assert.Equal(30, state.SnapshotSequenceNr);
        Assert.Equal(50, state.LastSequenceNr);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"a-{i}").Concat(Enumerable.Range(1, 20).Select(i => $"b-{i}")), state.Events);
    }

    [Fact]
    public async Task A_second_writer_of_the_same_persistence_id_fails_and_the_journal_keeps_the_first_writers_events_once()
    {
        var settings = StoreSettings();
        await using var node = await TestNode.StartAsync(settings);
        var first = node.EventLog("dup-1");
        node.Ask<Written>(first, new Write("a", 1));
        var second = node.EventLog("dup-1");
        Assert.Equal(1, node.Ask<LogState>(second, new GetState()).LastSequenceNr);
        node.Ask<Written>(first, new Write("b", 1));

        // The second writer still believes sequence number 2 is free.
        second.Tell(new Write("c", 1), node.Kit.TestActor);
        var failed = node.Kit.ExpectMsg<PersistFailed>(TestNode.Timeout);
        Assert.Equal(("dup-1", "c-1", 2L), (failed.PersistenceId, failed.Event, failed.SequenceNr));
        AssertDuplicateKeyRefusal(failed.Cause.GetBaseException());

        Assert.Equal([new JournalRow("dup-1", 1, "a-1"), new JournalRow("dup-1", 2, "b-1")], Rows(settings, "dup-1", node));
    }

    [Fact]
    public async Task Two_writers_racing_on_one_persistence_id_leave_only_confirmed_events_each_once()
    {
        var settings = StoreSettings();
        await using var node = await TestNode.StartAsync(settings);
        var a = node.EventLog("race-1");
        var b = node.EventLog("race-1");
        Assert.Equal(0, node.Ask<LogState>(a, new GetState()).LastSequenceNr);
        Assert.Equal(0, node.Ask<LogState>(b, new GetState()).LastSequenceNr);
        a.Tell(new Write("a", 40), node.Kit.TestActor);
        b.Tell(new Write("b", 40), node.Kit.TestActor);
        var outcomes = new[] { node.Kit.ExpectMsg<object>(TestNode.Timeout), node.Kit.ExpectMsg<object>(TestNode.Timeout) };
        WriteRace.AssertJournalKeptOnlyConfirmed(outcomes, "race-1", 40, Rows(settings, "race-1", node));
    }
}
