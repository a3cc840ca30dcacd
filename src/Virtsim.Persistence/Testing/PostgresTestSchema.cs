using Npgsql;
using Virtsim.Persistence.PostgreSql;

namespace Virtsim.Persistence.Testing;

/// <summary>
/// The PostgreSQL stores of one test in a schema of their own on a shared <see cref="PostgresTestCluster"/>: opened at
/// once, reopened to model a process restart, a stored row corrupted behind the stores' back on request, and the
/// schema dropped on dispose.
/// </summary>
public sealed class PostgresTestSchema : IAsyncDisposable
{
    private readonly PostgresTestCluster _cluster;

    private PostgresTestSchema(PostgresTestCluster cluster, string schema)
    {
        _cluster = cluster;
        Schema = schema;
    }

    /// <summary>The schema's name.</summary>
    public string Schema { get; }

    /// <summary>The options that open this schema.</summary>
    public PostgreSqlStoreOptions Options => new() { ConnectionString = _cluster.ConnectionString, Schema = Schema };

    /// <summary>The open database (a new object after <see cref="ReopenAsync"/>).</summary>
    public PostgreSqlDatabase Database { get; private set; } = null!;

    /// <summary>Opens (and so creates) a new schema named <paramref name="prefix"/> plus a unique suffix.</summary>
    public static async Task<PostgresTestSchema> CreateAsync(PostgresTestCluster cluster, string prefix = "t_")
    {
        var schema = new PostgresTestSchema(cluster, prefix + Guid.NewGuid().ToString("N")[..16]);
        schema.Database = await PostgreSqlDatabase.OpenAsync(schema.Options);
        return schema;
    }

    /// <summary>
    /// Closes the database, runs <paramref name="whileClosed"/> (e.g. a server crash and restart) and opens the schema
    /// again, as a restarted process would.
    /// </summary>
    public async Task ReopenAsync(Func<Task>? whileClosed = null)
    {
        await Database.DisposeAsync();
        if (whileClosed is not null)
        {
            await whileClosed();
            NpgsqlConnection.ClearAllPools();
        }
        Database = await PostgreSqlDatabase.OpenAsync(Options);
    }

    /// <summary>
    /// Flips the lowest bit of the first payload byte of the row of <paramref name="persistenceId"/> and
    /// <paramref name="sequenceNr"/> in <paramref name="table"/> (<c>journal_event</c> or <c>snapshot</c>); returns the
    /// number of rows changed (1 when the row exists).
    /// </summary>
    public async Task<int> CorruptPayloadAsync(string table, string persistenceId, long sequenceNr)
    {
        if (table is not ("journal_event" or "snapshot")) throw new ArgumentException($"no table {table}", nameof(table));
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"UPDATE \"{Schema}\".{table} SET payload = set_byte(payload, 0, get_byte(payload, 0) # 1) WHERE persistence_id = $1 AND sequence_nr = $2;", c);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Closes the database and drops the schema.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Database is not null) await Database.DisposeAsync();
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE;", c);
        await drop.ExecuteNonQueryAsync();
    }
}
