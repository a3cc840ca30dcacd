using System.Threading.Channels;

namespace Virtsim.Persistence;

/// <summary>
/// Group commit: a decorator that coalesces concurrent <see cref="AppendAsync"/> calls (of any persistence ids)
/// into one <see cref="IJournal.AppendBatchAsync"/> of the inner journal, so many writers share one transaction
/// and one fsync.
/// </summary>
/// <remarks>
/// One batch is in flight at a time; the requests that arrive meanwhile form the next batch, so the batch size
/// adapts to the load with no timer. Requests are written in arrival order, so a writer that issues appends for
/// one persistence id without waiting for each still gets them in order. Each caller gets its own outcome:
/// a refused request (conflict, gap, fenced) fails only its caller; a store failure (connection lost) fails every
/// caller of that batch, and then nothing of the batch was committed. Cancelling a caller's token stops its wait,
/// not a write already queued. Reads, claims and deletions go straight to the inner journal.
/// </remarks>
public sealed class BatchingJournal : IJournal, IAsyncDisposable
{
    private readonly IJournal _inner;
    private readonly BatchingJournalOptions _options;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Starts the batching writer over <paramref name="inner"/>.</summary>
    public BatchingJournal(IJournal inner, BatchingJournalOptions? options = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? new BatchingJournalOptions();
        if (_options.MaxRequestsPerBatch < 1 || _options.MaxEventsPerBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Batch limits must be positive.");
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Number of transactions written so far (for diagnostics and tests).</summary>
    public long BatchesWritten => Interlocked.Read(ref _batches);

    private long _batches;

    /// <inheritdoc />
    public Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(request);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(request);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(BatchingJournal));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default) =>
        _inner.AppendBatchAsync(requests, cancellationToken);

    /// <inheritdoc />
    public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        _inner.ClaimAsync(persistenceId, epoch, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, maxCount, cancellationToken);

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        _inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    /// <inheritdoc />
    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);

    /// <summary>Stops accepting appends, writes those already queued, and waits for the writer to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        var requests = new List<AppendRequest>();
        ChannelReader<Pending> reader = _queue.Reader;
        Pending? carried = null;
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            requests.Clear();
            int events = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                events = carried.Request.Events.Count;
                carried = null;
            }

            while (batch.Count < _options.MaxRequestsPerBatch && reader.TryRead(out Pending? next))
            {
                if (batch.Count > 0 && events + next.Request.Events.Count > _options.MaxEventsPerBatch)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                events += next.Request.Events.Count;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            foreach (Pending p in batch)
            {
                requests.Add(p.Request);
            }

            try
            {
                IReadOnlyList<Exception?> outcomes = await _inner.AppendBatchAsync(requests.ToArray()).ConfigureAwait(false);
                Interlocked.Increment(ref _batches);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (outcomes[i] is { } refused)
                    {
                        batch[i].Completion.TrySetException(refused);
                    }
                    else
                    {
                        batch[i].Completion.TrySetResult();
                    }
                }
            }
            catch (Exception e)
            {
                foreach (Pending p in batch)
                {
                    p.Completion.TrySetException(e);
                }
            }
        }
    }

    private sealed class Pending(AppendRequest request)
    {
        public AppendRequest Request { get; } = request;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
