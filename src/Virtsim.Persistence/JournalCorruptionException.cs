namespace Virtsim.Persistence;

/// <summary>A stored event failed its checksum: the row was changed outside the journal or damaged.</summary>
public sealed class JournalCorruptionException : PersistenceException
{
    /// <summary>Creates the exception.</summary>
    public JournalCorruptionException(string persistenceId, long sequenceNr, uint storedChecksum, uint computedChecksum)
        : base(persistenceId, $"Corrupted journal row for '{persistenceId}' sequence nr {sequenceNr}: stored checksum {storedChecksum:x8}, computed {computedChecksum:x8}.")
        => SequenceNr = sequenceNr;

    /// <summary>The sequence number of the corrupted event.</summary>
    public long SequenceNr { get; }
}
