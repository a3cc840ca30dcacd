namespace Virtsim.Persistence;

/// <summary>An append tried to write a sequence number that already exists (another writer got there first).</summary>
public sealed class JournalConflictException : PersistenceException
{
    /// <summary>Creates the exception.</summary>
    public JournalConflictException(string persistenceId, long sequenceNr, long highestSequenceNr)
        : base(persistenceId, $"Journal conflict for '{persistenceId}': sequence nr {sequenceNr} already exists (highest is {highestSequenceNr}).")
    {
        SequenceNr = sequenceNr;
        HighestSequenceNr = highestSequenceNr;
    }

    /// <summary>The sequence number the append started at.</summary>
    public long SequenceNr { get; }

    /// <summary>The highest sequence number stored when the append was refused.</summary>
    public long HighestSequenceNr { get; }
}
