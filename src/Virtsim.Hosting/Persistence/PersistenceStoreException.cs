namespace Virtsim.Hosting.Persistence;

/// <summary>
/// The configured store cannot be used: the SQLite file cannot be created or written, or the PostgreSQL server
/// cannot be reached or refuses the schema. The message is one line naming the file or the server and saying what
/// the store answered, fit to print as is.
/// </summary>
public sealed class PersistenceStoreException : Exception
{
    /// <summary>Creates the error for <paramref name="plugin"/>.</summary>
    public PersistenceStoreException(PersistencePlugin plugin, string message, Exception? inner = null)
        : base(message, inner)
    {
        Plugin = plugin;
    }

    /// <summary>The store that failed.</summary>
    public PersistencePlugin Plugin { get; }
}
