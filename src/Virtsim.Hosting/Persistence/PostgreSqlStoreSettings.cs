namespace Virtsim.Hosting.Persistence;

/// <summary>The <c>virtsim.persistence.postgresql</c> section: which server, database and schema.</summary>
public sealed record PostgreSqlStoreSettings
{
    /// <summary>The Npgsql connection string (given whole, or built from host, port, database, user and password).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema holding the tables: lower-case letters, digits and underscores.</summary>
    public required string Schema { get; init; }
}
