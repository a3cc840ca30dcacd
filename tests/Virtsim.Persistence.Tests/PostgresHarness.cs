using Virtsim.Persistence;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Testing;

namespace Virtsim.Persistence.Tests;

/// <summary>The PostgreSQL stores in a schema of their own; a restart crashes and restarts the server.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private readonly PostgresTestCluster _cluster;
    private readonly PostgresTestSchema _schema;
    private PostgreSqlJournal _journal = null!;
    private PostgreSqlSnapshotStore _snapshots = null!;

    private PostgresHarness(PostgresTestCluster cluster, PostgresTestSchema schema)
    {
        _cluster = cluster;
        _schema = schema;
        OpenStores();
    }

    /// <summary>This harness's schema.</summary>
    public string Schema => _schema.Schema;

    /// <inheritdoc />
    public override IJournal Journal => _journal;

    /// <inheritdoc />
    public override ISnapshotStore Snapshots => _snapshots;

    /// <inheritdoc />
    public override int? SchemaVersion => _schema.Database.SchemaVersion;

    /// <inheritdoc />
    public override int? LatestSchemaVersion => PostgreSqlSchema.LatestVersion;

    /// <summary>The options that open this harness's schema.</summary>
    public PostgreSqlStoreOptions Options => _schema.Options;

    /// <summary>Creates the harness on a new schema of <paramref name="cluster"/>.</summary>
    public static async Task<PostgresHarness> CreateAsync(PostgresTestCluster cluster) =>
        new(cluster, await PostgresTestSchema.CreateAsync(cluster));

    /// <inheritdoc />
    public override async Task RestartAsync()
    {
        await _schema.ReopenAsync(() => _cluster.RestartAsync(crash: true));
        OpenStores();
    }

    /// <inheritdoc />
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr) => FlipAsync("journal_event", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override Task CorruptSnapshotAsync(string persistenceId, long sequenceNr) => FlipAsync("snapshot", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _schema.DisposeAsync();

    private void OpenStores()
    {
        _journal = new PostgreSqlJournal(_schema.Database);
        _snapshots = new PostgreSqlSnapshotStore(_schema.Database);
    }

    private async Task FlipAsync(string table, string persistenceId, long sequenceNr) =>
        Assert.Equal(1, await _schema.CorruptPayloadAsync(table, persistenceId, sequenceNr));
}
