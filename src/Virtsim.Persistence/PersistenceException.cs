namespace Virtsim.Persistence;

/// <summary>Base of the typed errors of the persistence stores; names the persistence id concerned.</summary>
public abstract class PersistenceException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected PersistenceException(string persistenceId, string message, Exception? innerException = null)
        : base(message, innerException) => PersistenceId = persistenceId;

    /// <summary>The persistence id the error concerns.</summary>
    public string PersistenceId { get; }
}
