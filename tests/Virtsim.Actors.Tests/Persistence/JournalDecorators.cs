using Virtsim.Persistence;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>Passes every call to an inner journal; subclasses intercept appends.</summary>
public abstract class JournalDecorator(IJournal inner) : IJournal
{
    protected IJournal Inner { get; } = inner;

    public virtual Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => Inner.AppendAsync(request, cancellationToken);
    public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default) => Inner.AppendBatchAsync(requests, cancellationToken);
    public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) => Inner.ClaimAsync(persistenceId, epoch, cancellationToken);
    public IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) => Inner.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken);
    public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default) => Inner.ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, maxCount, cancellationToken);
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => Inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);
    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => Inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);
}

/// <summary>Records every append request the journal receives.</summary>
public sealed class RecordingJournal(IJournal inner) : JournalDecorator(inner)
{
    public System.Collections.Concurrent.ConcurrentQueue<AppendRequest> Appends { get; } = new();

    public override Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        Appends.Enqueue(request);
        return Inner.AppendAsync(request, cancellationToken);
    }
}

/// <summary>Holds every append until <see cref="Open"/> (a journal whose writes are slow, under real time).</summary>
public sealed class GateJournal(IJournal inner) : JournalDecorator(inner)
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Waiting;

    public void Open() => _gate.TrySetResult();

    public override async Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Waiting);
        await _gate.Task.ConfigureAwait(false);
        await Inner.AppendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Fails every append with an infrastructure error after writing nothing.</summary>
public sealed class BrokenJournal(IJournal inner) : JournalDecorator(inner)
{
    public override Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        Task.FromException(new IOException("disk on fire"));
}
