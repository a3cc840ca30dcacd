namespace Virtsim.Persistence;

/// <summary>An append would leave a hole: its first sequence number is beyond the highest stored + 1.</summary>
public sealed class JournalSequenceGapException : PersistenceException
{
    /// <summary>Creates the exception.</summary>
    public JournalSequenceGapException(string persistenceId, long sequenceNr, long highestSequenceNr)
        : base(persistenceId, $"Journal gap for '{persistenceId}': sequence nr {sequenceNr} does not follow the highest stored sequence nr {highestSequenceNr}.")
    {
        SequenceNr = sequenceNr;
        HighestSequenceNr = highestSequenceNr;
    }

    /// <summary>The sequence number the append started at.</summary>
    public long SequenceNr { get; }

    /// <summary>The highest sequence number stored when the append was refused.</summary>
    public long HighestSequenceNr { get; }
}
