namespace Virtsim.Hosting.Persistence;

/// <summary>Which store keeps a node's journal and snapshots (<c>virtsim.persistence.plugin</c>).</summary>
public enum PersistencePlugin
{
    /// <summary>Akka.NET's in-memory journal and snapshot store: lost at exit.</summary>
    Memory,

    /// <summary>One SQLite database file, through Akka.Persistence.Sql.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, through Akka.Persistence.Sql.</summary>
    PostgreSql,
}
