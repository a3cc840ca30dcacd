namespace Virtsim.Persistence.PostgreSql;

/// <summary>Where the PostgreSQL stores keep their tables.</summary>
public sealed record PostgreSqlStoreOptions
{
    /// <summary>An Npgsql connection string (host, port, database, user...).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The schema holding the tables and functions (created when missing); lower-case letters, digits and
    /// underscores. Tests give each run its own schema to stay isolated. Default <c>virtsim</c>.
    /// </summary>
    public string Schema { get; init; } = "virtsim";
}
