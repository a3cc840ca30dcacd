using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Configuration;

/// <summary>
/// The <c>virtsim.persistence</c> section as plain data: which store to open and where. Read it with
/// <see cref="PersistenceSettingsLoader"/> (its defaults come from this assembly's reference.conf) and open the
/// stores with <see cref="PersistenceStoreFactory"/>.
/// </summary>
public sealed record PersistenceSettings
{
    /// <summary>The store.</summary>
    public required PersistencePlugin Plugin { get; init; }

    /// <summary>SQLite: the database file (relative paths are taken from the working directory).</summary>
    public required string SqlitePath { get; init; }

    /// <summary>SQLite: how long a call waits for a lock another process holds before it fails (SQLITE_BUSY).</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = SqliteDatabase.DefaultBusyTimeout;

    /// <summary>PostgreSQL: the connection string (built from host, port... unless given whole) and schema.</summary>
    public required PostgreSqlStoreOptions PostgreSql { get; init; }

    /// <summary>Whether appends go through a <see cref="BatchingJournal"/> (group commit).</summary>
    public required bool Batching { get; init; }

    /// <summary>Limits of one group commit when <see cref="Batching"/> is on.</summary>
    public required BatchingJournalOptions BatchingOptions { get; init; }

    /// <summary>The defaults: <c>virtsim.persistence</c> of reference.conf alone.</summary>
    public static PersistenceSettings Reference => PersistenceSettingsLoader.FromConfig(PersistenceReference.Config);
}
