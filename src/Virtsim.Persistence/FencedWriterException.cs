namespace Virtsim.Persistence;

/// <summary>A writer whose epoch has been superseded by a newer owner tried to write or claim.</summary>
public sealed class FencedWriterException : PersistenceException
{
    /// <summary>Creates the exception.</summary>
    public FencedWriterException(string persistenceId, long writerEpoch, long currentEpoch)
        : base(persistenceId, $"Writer of '{persistenceId}' with epoch {writerEpoch} is fenced: epoch {currentEpoch} owns it now.")
    {
        WriterEpoch = writerEpoch;
        CurrentEpoch = currentEpoch;
    }

    /// <summary>The epoch the refused writer presented.</summary>
    public long WriterEpoch { get; }

    /// <summary>The highest epoch the store knows for the persistence id.</summary>
    public long CurrentEpoch { get; }
}
