namespace Virtsim.Persistence;

/// <summary>A stored snapshot failed its checksum: the row was changed outside the store or damaged.</summary>
public sealed class SnapshotCorruptionException : PersistenceException
{
    /// <summary>Creates the exception.</summary>
    public SnapshotCorruptionException(string persistenceId, long sequenceNr, uint storedChecksum, uint computedChecksum)
        : base(persistenceId, $"Corrupted snapshot for '{persistenceId}' at sequence nr {sequenceNr}: stored checksum {storedChecksum:x8}, computed {computedChecksum:x8}.")
        => SequenceNr = sequenceNr;

    /// <summary>The sequence number of the corrupted snapshot.</summary>
    public long SequenceNr { get; }
}
