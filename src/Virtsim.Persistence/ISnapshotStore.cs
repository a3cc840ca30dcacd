namespace Virtsim.Persistence;

/// <summary>Stores snapshots of persistence ids' state, so recovery replays only the events after them.</summary>
/// <remarks>
/// Saving is durable once the task completes. Saving again for the same persistence id and sequence number
/// replaces that snapshot. Each snapshot carries a checksum: a damaged one gives
/// <see cref="SnapshotCorruptionException"/> when loaded.
/// </remarks>
public interface ISnapshotStore
{
    /// <summary>Saves <paramref name="snapshot"/> durably.</summary>
    Task SaveAsync(Snapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Loads the snapshot with the highest sequence number that matches <paramref name="criteria"/>, or null.</summary>
    /// <exception cref="SnapshotCorruptionException">That snapshot fails its checksum.</exception>
    Task<Snapshot?> LoadLatestAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the persistence id that matches <paramref name="criteria"/>.</summary>
    Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshots with sequence numbers up to and including <paramref name="maxSequenceNr"/>.</summary>
    Task DeleteUpToAsync(string persistenceId, long maxSequenceNr, CancellationToken cancellationToken = default) =>
        DeleteAsync(persistenceId, SnapshotCriteria.UpTo(maxSequenceNr), cancellationToken);
}
