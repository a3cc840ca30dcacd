using System.Collections.Concurrent;
using System.Text;
using Virtsim.Persistence;

namespace Virtsim.Persistence.Tests;

/// <summary>
/// The contract every journal and snapshot store keeps, run against each implementation by a subclass that
/// supplies the store (<see cref="CreateHarnessAsync"/>).
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private StoreHarness? _harness;

    /// <summary>The store under test.</summary>
    protected StoreHarness H => _harness!;

    /// <summary>The journal under test.</summary>
    protected IJournal J => H.Journal;

    /// <summary>The snapshot store under test.</summary>
    protected ISnapshotStore S => H.Snapshots;

    /// <summary>Opens a fresh, empty store.</summary>
    protected abstract Task<StoreHarness> CreateHarnessAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _harness = await CreateHarnessAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appended_events_read_back_in_order_with_manifest_epoch_and_highest()
    {
        Assert.Equal(0, await J.ReadHighestSequenceNrAsync("a"));
        await J.AppendAsync(Events.Append("a", 1, epoch: 3));
        await J.AppendAsync(Events.Append("a", 2, 2, epoch: 3));
        await J.AppendAsync(Events.Append("b", 1));

        List<PersistedEvent> a = await Events.ReadAllAsync(J, "a");
        Assert.Equal([1L, 2, 3], a.Select(e => e.SequenceNr));
        Assert.All(a, e => Assert.Equal("test.event", e.Manifest));
        Assert.All(a, e => Assert.Equal(3, e.Epoch));
        Assert.All(a, e => Assert.Equal("a", e.PersistenceId));
        Assert.Equal("a#2@w", Events.Text(a[1]));
        Assert.Equal(3, await J.ReadHighestSequenceNrAsync("a"));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("b"));
        Assert.Empty(await Events.ReadAllAsync(J, "nobody"));
    }

    [Fact]
    public async Task Ranges_and_batched_reads_respect_bounds_and_max_count()
    {
        await J.AppendAsync(Events.Append("r", 1, 100));
        IReadOnlyList<PersistedEvent> page = await J.ReadBatchAsync("r", 10, 50, 5);
        Assert.Equal([10L, 11, 12, 13, 14], page.Select(e => e.SequenceNr));
        IReadOnlyList<PersistedEvent> tail = await J.ReadBatchAsync("r", 95, long.MaxValue, 1000);
        Assert.Equal(6, tail.Count);
        var streamed = new List<long>();
        await foreach (PersistedEvent e in J.ReadAsync("r", 40, 42))
        {
            streamed.Add(e.SequenceNr);
        }

        Assert.Equal([40L, 41, 42], streamed);
        Assert.Empty(await J.ReadBatchAsync("r", 101, 200, 10));
    }

    [Fact]
    public async Task Empty_and_large_payloads_round_trip()
    {
        byte[] big = new byte[1 << 20];
        new Random(7).NextBytes(big);
        await J.AppendAsync(new AppendRequest("p", 1, [new EventToAppend(1, "", Array.Empty<byte>()), new EventToAppend(2, "big", big)]));
        List<PersistedEvent> all = await Events.ReadAllAsync(J, "p");
        Assert.Equal(0, all[0].Payload.Length);
        Assert.Equal("", all[0].Manifest);
        Assert.True(all[1].Payload.Span.SequenceEqual(big));
    }

    [Fact]
    public async Task Writing_an_existing_sequence_nr_is_a_typed_conflict_and_overwrites_nothing()
    {
        await J.AppendAsync(Events.Append("c", 1, 3, writer: "first"));
        var e = await Assert.ThrowsAsync<JournalConflictException>(() => J.AppendAsync(Events.Append("c", 3, 2, writer: "second")));
        Assert.Equal("c", e.PersistenceId);
        Assert.Equal(3, e.SequenceNr);
        Assert.Equal(3, e.HighestSequenceNr);
        Assert.Contains("'c'", e.Message);
        Assert.Contains("3", e.Message);
        await Assert.ThrowsAsync<JournalConflictException>(() => J.AppendAsync(Events.Append("c", 1, writer: "second")));

        List<PersistedEvent> all = await Events.ReadAllAsync(J, "c");
        Assert.Equal(3, all.Count);
        Assert.All(all, x => Assert.EndsWith("@first", Events.Text(x)));
        Assert.Equal(3, await J.ReadHighestSequenceNrAsync("c"));
    }

    [Fact]
    public async Task A_gap_is_refused()
    {
        await J.AppendAsync(Events.Append("g", 1));
        var e = await Assert.ThrowsAsync<JournalSequenceGapException>(() => J.AppendAsync(Events.Append("g", 3)));
        Assert.Equal(3, e.SequenceNr);
        Assert.Equal(1, e.HighestSequenceNr);
        await Assert.ThrowsAsync<JournalSequenceGapException>(() => J.AppendAsync(Events.Append("fresh", 2)));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("g"));
        Assert.Equal(0, await J.ReadHighestSequenceNrAsync("fresh"));
    }

    [Fact]
    public async Task Malformed_appends_are_rejected_before_writing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => J.AppendAsync(new AppendRequest("m", 1, [])));
        await Assert.ThrowsAsync<ArgumentException>(() => J.AppendAsync(new AppendRequest("m", 1, [new EventToAppend(1, "x", new byte[1]), new EventToAppend(3, "x", new byte[1])])));
        await Assert.ThrowsAsync<ArgumentException>(() => J.AppendAsync(Events.Append("m", 0)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => J.AppendAsync(Events.Append("m", 1, epoch: -1)));
        await Assert.ThrowsAsync<ArgumentException>(() => J.AppendAsync(Events.Append("", 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => J.AppendBatchAsync([Events.Append("ok", 1), new AppendRequest("m", 1, [])]));
        Assert.Equal(0, await J.ReadHighestSequenceNrAsync("ok"));
        Assert.Equal(0, await J.ReadHighestSequenceNrAsync("m"));
    }

    [Fact]
    public async Task A_superseded_epoch_is_fenced_once_a_higher_epoch_wrote()
    {
        await J.AppendAsync(Events.Append("f", 1, epoch: 1));
        await J.AppendAsync(Events.Append("f", 2, epoch: 2));
        var e = await Assert.ThrowsAsync<FencedWriterException>(() => J.AppendAsync(Events.Append("f", 3, epoch: 1)));
        Assert.Equal("f", e.PersistenceId);
        Assert.Equal(1, e.WriterEpoch);
        Assert.Equal(2, e.CurrentEpoch);
        await J.AppendAsync(Events.Append("f", 3, epoch: 2));
        Assert.Equal([1L, 2, 2], (await Events.ReadAllAsync(J, "f")).Select(x => x.Epoch));
    }

    [Fact]
    public async Task Fencing_is_checked_before_conflicts()
    {
        await J.AppendAsync(Events.Append("fc", 1, 2, epoch: 5));
        await Assert.ThrowsAsync<FencedWriterException>(() => J.AppendAsync(Events.Append("fc", 1, epoch: 4)));
    }

    [Fact]
    public async Task Claim_fences_the_old_owner_and_returns_the_highest_sequence_nr()
    {
        Assert.Equal(0, await J.ClaimAsync("o", 1));
        await J.AppendAsync(Events.Append("o", 1, 4, epoch: 1));

        // Failover: the new owner claims with a higher epoch before recovering.
        Assert.Equal(4, await J.ClaimAsync("o", 2));
        var fenced = await Assert.ThrowsAsync<FencedWriterException>(() => J.AppendAsync(Events.Append("o", 5, epoch: 1)));
        Assert.Equal(2, fenced.CurrentEpoch);
        await Assert.ThrowsAsync<FencedWriterException>(() => J.ClaimAsync("o", 1));

        Assert.Equal(4, await J.ClaimAsync("o", 2));
        await J.AppendAsync(Events.Append("o", 5, epoch: 2));
        Assert.Equal(5, await J.ReadHighestSequenceNrAsync("o"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => J.ClaimAsync("o", -1));
    }

    [Fact]
    public async Task Delete_up_to_removes_events_but_keeps_the_numbering()
    {
        await J.AppendAsync(Events.Append("d", 1, 10));
        await J.DeleteUpToAsync("d", 4);
        Assert.Equal(5, (await Events.ReadAllAsync(J, "d"))[0].SequenceNr);
        await J.DeleteUpToAsync("d", 100);
        Assert.Empty(await Events.ReadAllAsync(J, "d"));
        Assert.Equal(10, await J.ReadHighestSequenceNrAsync("d"));
        await Assert.ThrowsAsync<JournalConflictException>(() => J.AppendAsync(Events.Append("d", 10)));
        await J.AppendAsync(Events.Append("d", 11));
        Assert.Equal([11L], (await Events.ReadAllAsync(J, "d")).Select(e => e.SequenceNr));
        await J.DeleteUpToAsync("nobody", 5);
    }

    [Fact]
    public async Task A_batch_judges_each_request_alone_and_commits_the_accepted_ones()
    {
        await J.AppendAsync(Events.Append("x", 1, epoch: 5));
        IReadOnlyList<Exception?> outcomes = await J.AppendBatchAsync(
        [
            Events.Append("y", 1, 3),
            Events.Append("x", 1, epoch: 5),  // conflict
            Events.Append("y", 4, 2),         // follows the first request of the batch
            Events.Append("x", 2, epoch: 4),  // fenced
            Events.Append("z", 2),            // gap
            Events.Append("a", 1),
        ]);
        Assert.Null(outcomes[0]);
        Assert.IsType<JournalConflictException>(outcomes[1]);
        Assert.Null(outcomes[2]);
        Assert.IsType<FencedWriterException>(outcomes[3]);
        Assert.IsType<JournalSequenceGapException>(outcomes[4]);
        Assert.Null(outcomes[5]);
        Assert.Equal(5, await J.ReadHighestSequenceNrAsync("y"));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("x"));
        Assert.Equal(0, await J.ReadHighestSequenceNrAsync("z"));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("a"));
        Assert.Empty(await J.AppendBatchAsync([]));
    }

    [Fact]
    public async Task Snapshots_load_the_latest_matching_the_criteria()
    {
        var t0 = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Null(await S.LoadLatestAsync("s", SnapshotCriteria.Any));
        await S.SaveAsync(Snap("s", 10, t0));
        await S.SaveAsync(Snap("s", 20, t0.AddMinutes(1)));
        await S.SaveAsync(Snap("s", 30, t0.AddMinutes(2)));
        await S.SaveAsync(Snap("other", 99, t0));

        Snapshot latest = (await S.LoadLatestAsync("s", SnapshotCriteria.Any))!;
        Assert.Equal(30, latest.Metadata.SequenceNr);
        Assert.Equal(t0.AddMinutes(2), latest.Metadata.Timestamp);
        Assert.Equal("state.v1", latest.Manifest);
        Assert.Equal("s@30", Encoding.UTF8.GetString(latest.Payload.Span));
        Assert.Equal(20, (await S.LoadLatestAsync("s", SnapshotCriteria.UpTo(29)))!.Metadata.SequenceNr);
        Assert.Equal(10, (await S.LoadLatestAsync("s", SnapshotCriteria.Any with { MaxTimestamp = t0.AddSeconds(30) }))!.Metadata.SequenceNr);
        Assert.Null(await S.LoadLatestAsync("s", SnapshotCriteria.Any with { MinSequenceNr = 31 }));
        Assert.Null(await S.LoadLatestAsync("s", SnapshotCriteria.UpTo(9)));
    }

    [Fact]
    public async Task Snapshot_timestamps_keep_tick_precision_in_utc()
    {
        var t = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        await S.SaveAsync(Snap("ts", 1, t));
        Snapshot s = (await S.LoadLatestAsync("ts", SnapshotCriteria.Any))!;
        Assert.Equal(t.UtcTicks, s.Metadata.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, s.Metadata.Timestamp.Offset);
    }

    [Fact]
    public async Task Saving_the_same_sequence_nr_replaces_the_snapshot()
    {
        var t = DateTimeOffset.UnixEpoch;
        await S.SaveAsync(Snap("rep", 5, t, "old"));
        await S.SaveAsync(Snap("rep", 5, t.AddDays(1), "new"));
        Snapshot s = (await S.LoadLatestAsync("rep", SnapshotCriteria.Any))!;
        Assert.Equal("new", Encoding.UTF8.GetString(s.Payload.Span));
        Assert.Equal(t.AddDays(1), s.Metadata.Timestamp);
    }

    [Fact]
    public async Task Snapshots_delete_up_to_and_by_criteria()
    {
        var t = DateTimeOffset.UnixEpoch;
        for (int i = 1; i <= 5; i++)
        {
            await S.SaveAsync(Snap("del", i * 10, t.AddHours(i)));
        }

        await S.DeleteUpToAsync("del", 20);
        Assert.Equal(50, (await S.LoadLatestAsync("del", SnapshotCriteria.Any))!.Metadata.SequenceNr);
        Assert.Null(await S.LoadLatestAsync("del", SnapshotCriteria.UpTo(29)));
        await S.DeleteAsync("del", SnapshotCriteria.Any with { MinTimestamp = t.AddHours(5) });
        Assert.Equal(40, (await S.LoadLatestAsync("del", SnapshotCriteria.Any))!.Metadata.SequenceNr);
        await S.DeleteAsync("del", SnapshotCriteria.Any);
        Assert.Null(await S.LoadLatestAsync("del", SnapshotCriteria.Any));
    }

    [Fact]
    public async Task Everything_acknowledged_survives_a_restart_of_the_store()
    {
        await J.AppendAsync(Events.Append("dur", 1, 50, epoch: 2));
        await J.AppendBatchAsync([Events.Append("dur", 51, 10, epoch: 2), Events.Append("dur2", 1, 5)]);
        await J.DeleteUpToAsync("dur", 5);
        await J.ClaimAsync("claimed", 7);
        await S.SaveAsync(Snap("dur", 40, DateTimeOffset.UnixEpoch));

        await H.RestartAsync();
        await H.RestartAsync();

        List<PersistedEvent> all = await Events.ReadAllAsync(J, "dur");
        Assert.Equal(Enumerable.Range(6, 55).Select(i => (long)i), all.Select(e => e.SequenceNr));
        Assert.All(all, e => Assert.Equal($"dur#{e.SequenceNr}@w", Events.Text(e)));
        Assert.Equal(60, await J.ReadHighestSequenceNrAsync("dur"));
        Assert.Equal(5, (await Events.ReadAllAsync(J, "dur2")).Count);
        Assert.Equal(40, (await S.LoadLatestAsync("dur", SnapshotCriteria.Any))!.Metadata.SequenceNr);
        await Assert.ThrowsAsync<FencedWriterException>(() => J.AppendAsync(Events.Append("dur", 61, epoch: 1)));
        await Assert.ThrowsAsync<FencedWriterException>(() => J.AppendAsync(Events.Append("claimed", 1, epoch: 6)));
        await J.AppendAsync(Events.Append("dur", 61, epoch: 2));
        if (H.LatestSchemaVersion is int latest)
        {
            Assert.Equal(latest, H.SchemaVersion);
        }
    }

    [Fact]
    public async Task Schema_creation_is_idempotent_on_restart()
    {
        if (H.LatestSchemaVersion is int latest)
        {
            Assert.Equal(latest, H.SchemaVersion);
            await H.RestartAsync();
            Assert.Equal(latest, H.SchemaVersion);
        }

        await J.AppendAsync(Events.Append("after", 1));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("after"));
    }

    [Fact]
    public async Task A_tampered_event_gives_a_typed_corruption_error_naming_the_row()
    {
        await J.AppendAsync(Events.Append("bad", 1, 5));
        await H.CorruptEventAsync("bad", 3);

        var e = await Assert.ThrowsAsync<JournalCorruptionException>(() => Events.ReadAllAsync(J, "bad"));
        Assert.Equal("bad", e.PersistenceId);
        Assert.Equal(3, e.SequenceNr);
        Assert.Contains("'bad'", e.Message);
        Assert.Contains("sequence nr 3", e.Message);
        await Assert.ThrowsAsync<JournalCorruptionException>(() => J.ReadBatchAsync("bad", 1, 10, 10));
        Assert.Equal(2, (await J.ReadBatchAsync("bad", 1, 2, 10)).Count);
        Assert.Equal(2, (await J.ReadBatchAsync("bad", 4, 5, 10)).Count);
    }

    [Fact]
    public async Task A_tampered_snapshot_gives_a_typed_corruption_error()
    {
        await S.SaveAsync(Snap("badsnap", 7, DateTimeOffset.UnixEpoch));
        await H.CorruptSnapshotAsync("badsnap", 7);
        var e = await Assert.ThrowsAsync<SnapshotCorruptionException>(() => S.LoadLatestAsync("badsnap", SnapshotCriteria.Any));
        Assert.Equal("badsnap", e.PersistenceId);
        Assert.Equal(7, e.SequenceNr);
    }

    [Fact]
    public async Task Many_writers_on_distinct_ids_all_land()
    {
        const int writers = 16, each = 40;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 1; i <= each; i++)
            {
                await J.AppendAsync(Events.Append($"writer-{w}", i));
            }
        })));
        for (int w = 0; w < writers; w++)
        {
            List<PersistedEvent> all = await Events.ReadAllAsync(J, $"writer-{w}");
            Assert.Equal(Enumerable.Range(1, each).Select(i => (long)i), all.Select(e => e.SequenceNr));
        }
    }

    [Fact]
    public async Task Racing_writers_on_one_id_get_exactly_one_winner_per_sequence_nr()
    {
        const int racers = 8, target = 120;
        var won = new ConcurrentDictionary<long, string>();
        int conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, racers).Select(r => Task.Run(async () =>
        {
            string me = $"racer{r}";
            while (true)
            {
                long next = await J.ReadHighestSequenceNrAsync("hot") + 1;
                if (next > target)
                {
                    return;
                }

                try
                {
                    await J.AppendAsync(Events.Append("hot", next, writer: me));
                    Assert.True(won.TryAdd(next, me), $"two writers won sequence nr {next}");
                }
                catch (JournalConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
                catch (JournalSequenceGapException)
                {
                    Assert.Fail("a writer that read the highest sequence nr cannot leave a gap");
                }
            }
        })));

        List<PersistedEvent> all = await Events.ReadAllAsync(J, "hot");
        Assert.Equal(Enumerable.Range(1, target).Select(i => (long)i), all.Select(e => e.SequenceNr));
        Assert.Equal(target, won.Count);
        Assert.All(all, e => Assert.Equal($"hot#{e.SequenceNr}@{won[e.SequenceNr]}", Events.Text(e)));
    }

    [Fact]
    public async Task Racing_owners_after_failover_never_interleave()
    {
        // Two owners race; the second claims a higher epoch part-way. After the claim returned, no write of the
        // first owner may land.
        await J.AppendAsync(Events.Append("fo", 1, epoch: 1, writer: "old"));
        using var stop = new CancellationTokenSource();
        long claimedAt = -1;
        Task old = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                long next = await J.ReadHighestSequenceNrAsync("fo") + 1;
                try
                {
                    await J.AppendAsync(Events.Append("fo", next, epoch: 1, writer: "old"));
                }
                catch (FencedWriterException)
                {
                    return;
                }
                catch (JournalConflictException)
                {
                }
            }
        });
        await Task.Delay(30);
        claimedAt = await J.ClaimAsync("fo", 2);
        await old.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await J.AppendAsync(Events.Append("fo", claimedAt + 1, epoch: 2, writer: "new"));
        List<PersistedEvent> all = await Events.ReadAllAsync(J, "fo");
        Assert.All(all.Where(e => e.SequenceNr <= claimedAt), e => Assert.Equal(1, e.Epoch));
        Assert.All(all.Where(e => e.SequenceNr > claimedAt), e => Assert.Equal(2, e.Epoch));
        Assert.Equal(claimedAt + 1, all.Count);
    }

    [Fact]
    public async Task Batching_journal_group_commits_concurrent_appends_of_many_ids()
    {
        await using var batching = new BatchingJournal(J);
        const int ids = 40, each = 25;
        await Task.WhenAll(Enumerable.Range(0, ids).Select(w => Task.Run(async () =>
        {
            for (int i = 1; i <= each; i++)
            {
                await batching.AppendAsync(Events.Append($"gc-{w}", i));
            }
        })));
        for (int w = 0; w < ids; w++)
        {
            Assert.Equal(each, (await Events.ReadAllAsync(J, $"gc-{w}")).Count);
        }

        Assert.InRange(batching.BatchesWritten, 1, ids * each);
    }

    [Fact]
    public async Task Batching_journal_keeps_order_of_pipelined_appends_and_routes_refusals_to_their_caller()
    {
        await using var batching = new BatchingJournal(J, new BatchingJournalOptions { MaxRequestsPerBatch = 7, MaxEventsPerBatch = 20 });
        var tasks = Enumerable.Range(0, 50).Select(i => batching.AppendAsync(Events.Append("pipe", 1 + i * 3, 3))).ToList();
        Task conflict = batching.AppendAsync(Events.Append("pipe", 1));
        Task fenced = batching.AppendAsync(Events.Append("pipe", 151, epoch: 0));
        Task other = batching.AppendAsync(Events.Append("other", 1, epoch: 0));
        await Task.WhenAll(tasks);
        await Assert.ThrowsAsync<JournalConflictException>(() => conflict);
        await other;
        Assert.Equal(150, await J.ReadHighestSequenceNrAsync("pipe"));
        Assert.Equal(1, await J.ReadHighestSequenceNrAsync("other"));
        await Assert.ThrowsAsync<FencedWriterException>(() => fenced);
    }

    /// <summary>A snapshot whose payload names it.</summary>
    protected static Snapshot Snap(string id, long nr, DateTimeOffset at, string? text = null) =>
        new(new SnapshotMetadata(id, nr, at), "state.v1", Encoding.UTF8.GetBytes(text ?? $"{id}@{nr}"));
}
