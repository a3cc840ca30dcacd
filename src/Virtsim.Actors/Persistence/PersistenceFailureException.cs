namespace Virtsim.Actors.Persistence;

/// <summary>
/// Why a persistent actor stopped: its recovery or a journal write failed. Published on the event stream as the
/// cause of an <see cref="Events.ActorError"/>; the store's own error (for example a
/// <see cref="Virtsim.Persistence.JournalCorruptionException"/> naming the persistence id and sequence number, or a
/// <see cref="Virtsim.Persistence.FencedWriterException"/>) is the inner exception.
/// </summary>
public sealed class PersistenceFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PersistenceFailureException(string persistenceId, string phase, long sequenceNr, Exception cause)
        : base($"Persistent actor '{persistenceId}' stopped: {phase} failed at sequence nr {sequenceNr}: {cause.Message}", cause)
    {
        PersistenceId = persistenceId;
        Phase = phase;
        SequenceNr = sequenceNr;
    }

    /// <summary>The actor's persistence id.</summary>
    public string PersistenceId { get; }

    /// <summary>"recovery" or "persist".</summary>
    public string Phase { get; }

    /// <summary>The sequence number concerned: the event being read or the first one being written (0 when none).</summary>
    public long SequenceNr { get; }
}
