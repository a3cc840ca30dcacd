namespace Virtsim.Persistence.Configuration;

/// <summary>Which store keeps a node's journal and snapshots (<c>virtsim.persistence.plugin</c>).</summary>
public enum PersistencePlugin
{
    /// <summary>In memory, lost at exit.</summary>
    Memory,

    /// <summary>One SQLite database file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server.</summary>
    PostgreSql,
}
