namespace Virtsim.Hosting.Persistence;

/// <summary>
/// The <c>virtsim.persistence</c> section of a node's configuration as plain data: which store keeps the journal
/// and snapshots, where, and how writes are grouped. Read it with <see cref="PersistenceSettingsLoader"/> (its
/// defaults come from this assembly's reference.conf), check the store with <see cref="PersistenceStore"/> and
/// turn it into Akka.NET configuration with <see cref="AkkaPersistenceConfig"/>.
/// </summary>
public sealed record PersistenceSettings
{
    /// <summary>The store.</summary>
    public required PersistencePlugin Plugin { get; init; }

    /// <summary>SQLite: the file and its flushing.</summary>
    public required SqliteStoreSettings Sqlite { get; init; }

    /// <summary>PostgreSQL: the connection string and schema.</summary>
    public required PostgreSqlStoreSettings PostgreSql { get; init; }

    /// <summary>Write grouping and recovery reads of the SQL stores.</summary>
    public required JournalTuning Journal { get; init; }

    /// <summary>The defaults: <c>virtsim.persistence</c> of reference.conf alone.</summary>
    public static PersistenceSettings Reference => PersistenceSettingsLoader.FromConfig(HostingReference.Config);
}
