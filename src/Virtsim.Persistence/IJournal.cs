namespace Virtsim.Persistence;

/// <summary>
/// An append-only event log per persistence id with fenced writers.
/// </summary>
/// <remarks>
/// Guarantees of every implementation:
/// <list type="bullet">
/// <item>An append that completed is durable (it survives a restart of the process and of the store).</item>
/// <item>Sequence numbers of a persistence id are unique and contiguous: an append must start right after the
/// highest sequence number; an existing number gives <see cref="JournalConflictException"/>, a hole gives
/// <see cref="JournalSequenceGapException"/>. Nothing is ever overwritten.</item>
/// <item>The store remembers the highest epoch per persistence id; a write or claim with a lower epoch gives
/// <see cref="FencedWriterException"/>.</item>
/// <item>An append is atomic: all of its events are stored or none.</item>
/// <item>A stored row whose checksum does not match gives <see cref="JournalCorruptionException"/> on read.</item>
/// </list>
/// </remarks>
public interface IJournal
{
    /// <summary>Appends the events of <paramref name="request"/> atomically, in one transaction.</summary>
    /// <exception cref="JournalConflictException">The first sequence number already exists.</exception>
    /// <exception cref="JournalSequenceGapException">The first sequence number is beyond highest + 1.</exception>
    /// <exception cref="FencedWriterException">A higher epoch owns the persistence id.</exception>
    /// <exception cref="ArgumentException">The request is malformed (empty, not contiguous, negative epoch).</exception>
    Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several requests (possibly of many persistence ids) in one transaction. Each request is judged
    /// alone, in list order: those accepted are committed together, a refused one writes nothing.
    /// </summary>
    /// <returns>
    /// One entry per request, in the same order: null when it was written, otherwise the typed exception
    /// (<see cref="JournalConflictException"/>, <see cref="JournalSequenceGapException"/>,
    /// <see cref="FencedWriterException"/>) that <see cref="AppendAsync"/> would have thrown.
    /// </returns>
    /// <exception cref="ArgumentException">A request is malformed; nothing is written.</exception>
    Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims ownership of <paramref name="persistenceId"/> for <paramref name="epoch"/> (failover): from now on
    /// writers with a lower epoch are fenced. Claiming again with the current epoch is allowed.
    /// </summary>
    /// <returns>The highest sequence number, from which the new owner continues.</returns>
    /// <exception cref="FencedWriterException">A higher epoch already owns the persistence id.</exception>
    Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default);

    /// <summary>Streams the events with sequence numbers in [<paramref name="fromSequenceNr"/>, <paramref name="toSequenceNr"/>], ascending.</summary>
    /// <exception cref="JournalCorruptionException">A row fails its checksum.</exception>
    IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Reads at most <paramref name="maxCount"/> events with sequence numbers in [<paramref name="fromSequenceNr"/>, <paramref name="toSequenceNr"/>], ascending.</summary>
    /// <exception cref="JournalCorruptionException">A row fails its checksum.</exception>
    Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever written for the persistence id (0 when none), also after deletions.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the events with sequence numbers up to and including <paramref name="toSequenceNr"/>
    /// (typically after a snapshot). The highest sequence number is kept, so numbering continues.
    /// </summary>
    Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
