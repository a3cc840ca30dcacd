using Virtsim.Persistence;
using Virtsim.Persistence.Memory;

namespace Virtsim.Persistence.Tests;

/// <summary>Behaviour of the group-commit layer that does not depend on the store behind it.</summary>
public sealed class BatchingJournalTests
{
    [Fact]
    public async Task A_store_failure_fails_every_caller_of_the_batch_and_the_next_batch_works()
    {
        var inner = new FlakyJournal();
        await using var batching = new BatchingJournal(inner);
        inner.FailNext = true;
        var gate = new TaskCompletionSource();
        inner.Gate = gate;
        Task first = batching.AppendAsync(Events.Append("a", 1));
        await inner.Entered.Task;
        Task[] waiting = Enumerable.Range(0, 10).Select(i => batching.AppendAsync(Events.Append($"b{i}", 1))).ToArray();
        gate.SetResult();
        await Assert.ThrowsAsync<IOException>(() => first);
        foreach (Task t in waiting)
        {
            await t; // the batch after the failed one is written
        }

        Assert.Equal(0, await inner.ReadHighestSequenceNrAsync("a"));
        Assert.Equal(1, await inner.ReadHighestSequenceNrAsync("b9"));
    }

    [Fact]
    public async Task Dispose_writes_what_was_queued_and_then_refuses_appends()
    {
        var inner = new MemoryJournal();
        var batching = new BatchingJournal(inner);
        Task[] queued = Enumerable.Range(1, 100).Select(i => batching.AppendAsync(Events.Append("q", i))).ToArray();
        await batching.DisposeAsync();
        await Task.WhenAll(queued);
        Assert.Equal(100, await inner.ReadHighestSequenceNrAsync("q"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batching.AppendAsync(Events.Append("q", 101)));
    }

    [Fact]
    public async Task Malformed_appends_fail_at_once_without_reaching_the_store()
    {
        await using var batching = new BatchingJournal(new MemoryJournal());
        await Assert.ThrowsAsync<ArgumentException>(() => batching.AppendAsync(new AppendRequest("x", 1, [])));
        Assert.Equal(0, batching.BatchesWritten);
    }

    /// <summary>A memory journal whose next batch can be held and made to fail.</summary>
    private sealed class FlakyJournal : IJournal
    {
        private readonly MemoryJournal _inner = new();

        public bool FailNext { get; set; }

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            if (Gate is { } gate)
            {
                Gate = null;
                await gate.Task;
            }

            if (FailNext)
            {
                FailNext = false;
                throw new IOException("connection lost");
            }

            return await _inner.AppendBatchAsync(requests, cancellationToken);
        }

        public Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => _inner.AppendAsync(request, cancellationToken);

        public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) => _inner.ClaimAsync(persistenceId, epoch, cancellationToken);

        public IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken);

        public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default) =>
            _inner.ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, maxCount, cancellationToken);

        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => _inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

        public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => _inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);
    }
}
