using Npgsql;

namespace Virtsim.Persistence.PostgreSql;

/// <summary>
/// A PostgreSQL schema holding the journal and snapshot tables: a pooled data source, with the schema created
/// or upgraded when opened.
/// </summary>
/// <remarks>
/// Durability is PostgreSQL's ordinary commit (<c>synchronous_commit</c> as the server has it, <c>on</c> by
/// default: the commit record is flushed to the WAL before the commit returns). Migrations run in one
/// transaction under an advisory lock, so several processes starting together migrate once.
/// </remarks>
public sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private PostgreSqlDatabase(NpgsqlDataSource dataSource, string schema, int schemaVersion)
    {
        DataSource = dataSource;
        Schema = schema;
        QuotedSchema = PostgreSqlSchema.Quote(schema);
        SchemaVersion = schemaVersion;
    }

    /// <summary>The schema name.</summary>
    public string Schema { get; }

    /// <summary>The schema version found or reached when opening.</summary>
    public int SchemaVersion { get; }

    internal NpgsqlDataSource DataSource { get; }

    internal string QuotedSchema { get; }

    /// <summary>Connects, creates the schema when missing and applies the migrations it lacks.</summary>
    public static async Task<PostgreSqlDatabase> OpenAsync(PostgreSqlStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string quoted = PostgreSqlSchema.Quote(options.Schema);
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        try
        {
            int version = await MigrateAsync(dataSource, options.Schema, quoted, cancellationToken).ConfigureAwait(false);
            return new PostgreSqlDatabase(dataSource, options.Schema, version);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schema, string quoted, CancellationToken ct)
    {
        await using NpgsqlConnection c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, "SELECT pg_advisory_xact_lock(hashtext('virtsim.persistence:' || @s));", ct, ("s", schema)).ConfigureAwait(false);
        await ExecuteAsync(c, tx, $"CREATE SCHEMA IF NOT EXISTS {quoted};", ct).ConfigureAwait(false);
        await ExecuteAsync(c, tx, $"CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL PRIMARY KEY, description text NOT NULL);", ct).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {quoted}.schema_version;", c, tx))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(ct).ConfigureAwait(false));
        }

        foreach (Migration m in PostgreSqlSchema.Migrations)
        {
            if (m.Version <= current)
            {
                continue;
            }

            await ExecuteAsync(c, tx, m.Sql.Replace("{schema}", quoted, StringComparison.Ordinal), ct).ConfigureAwait(false);
            await ExecuteAsync(c, tx, $"INSERT INTO {quoted}.schema_version (version, description) VALUES (@v, @d);", ct, ("v", m.Version), ("d", m.Description)).ConfigureAwait(false);
            current = m.Version;
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return current;
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach ((string name, object value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
