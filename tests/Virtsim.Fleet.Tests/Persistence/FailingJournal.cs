using Virtsim.Persistence;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// A journal over an in-memory one that fails every call with <see cref="Error"/> once <see cref="Fail"/> was called
/// (a store whose disk went away mid-run); reads of what was written before keep working only until then.
/// </summary>
internal sealed class FailingJournal(IJournal inner) : IJournal
{
    private volatile Exception? _error;

    public void Fail(Exception error) => _error = error;

    private Task<T> Or<T>(Func<Task<T>> call) => _error is { } e ? Task.FromException<T>(e) : call();

    public Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        _error is { } e ? Task.FromException(e) : inner.AppendAsync(request, cancellationToken);

    public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default) =>
        Or(() => inner.AppendBatchAsync(requests, cancellationToken));

    public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) =>
        Or(() => inner.ClaimAsync(persistenceId, epoch, cancellationToken));

    public IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _error is { } e ? throw e : inner.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken);

    public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount,
        CancellationToken cancellationToken = default) => Or(() => inner.ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, maxCount, cancellationToken));

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        Or(() => inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken));

    public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _error is { } e ? Task.FromException(e) : inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);
}
