using Npgsql;
using Virtsim.Persistence;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Testing;

namespace Virtsim.Persistence.Tests;

/// <summary>The PostgreSQL stores in a schema of their own; a restart crashes and restarts the server.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private readonly PostgresTestCluster _cluster;
    private PostgreSqlDatabase _db = null!;
    private PostgreSqlJournal _journal = null!;
    private PostgreSqlSnapshotStore _snapshots = null!;

    private PostgresHarness(PostgresTestCluster cluster, string schema)
    {
        _cluster = cluster;
        Schema = schema;
    }

    /// <summary>This harness's schema.</summary>
    public string Schema { get; }

    /// <inheritdoc />
    public override IJournal Journal => _journal;

    /// <inheritdoc />
    public override ISnapshotStore Snapshots => _snapshots;

    /// <inheritdoc />
    public override int? SchemaVersion => _db.SchemaVersion;

    /// <inheritdoc />
    public override int? LatestSchemaVersion => PostgreSqlSchema.LatestVersion;

    /// <summary>The options that open this harness's schema.</summary>
    public PostgreSqlStoreOptions Options => new() { ConnectionString = _cluster.ConnectionString, Schema = Schema };

    /// <summary>Creates the harness on a new schema of <paramref name="cluster"/>.</summary>
    public static async Task<PostgresHarness> CreateAsync(PostgresTestCluster cluster)
    {
        var h = new PostgresHarness(cluster, "t_" + Guid.NewGuid().ToString("N")[..16]);
        await h.OpenAsync();
        return h;
    }

    /// <inheritdoc />
    public override async Task RestartAsync()
    {
        await _db.DisposeAsync();
        await _cluster.RestartAsync(crash: true);
        NpgsqlConnection.ClearAllPools();
        await OpenAsync();
    }

    /// <inheritdoc />
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr) => FlipAsync("journal_event", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override Task CorruptSnapshotAsync(string persistenceId, long sequenceNr) => FlipAsync("snapshot", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE;", c);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task OpenAsync()
    {
        _db = await PostgreSqlDatabase.OpenAsync(Options);
        _journal = new PostgreSqlJournal(_db);
        _snapshots = new PostgreSqlSnapshotStore(_db);
    }

    private async Task FlipAsync(string table, string persistenceId, long sequenceNr)
    {
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"UPDATE \"{Schema}\".{table} SET payload = set_byte(payload, 0, get_byte(payload, 0) # 1) WHERE persistence_id = $1 AND sequence_nr = $2;", c);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }
}
