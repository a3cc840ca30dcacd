using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Persistence;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>A SQLite file in a temporary folder of its own, deleted afterwards.</summary>
internal sealed class SqliteStore : IAsyncDisposable
{
    private readonly SqliteTestFile _file;

    private SqliteStore(SqliteTestFile file) => _file = file;

    public string FilePath => _file.FilePath;

    public static async Task<SqliteStore> CreateAsync() => new(await SqliteTestFile.CreateAsync("fleet.db"));

    public FleetPersistence Persistence(PersistentActorOptions? options = null) =>
        new(new SqliteJournal(_file.Database), new SqliteSnapshotStore(_file.Database), options);

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}

/// <summary>A schema of its own on the shared throwaway PostgreSQL server, dropped afterwards.</summary>
internal sealed class PostgresStore : IAsyncDisposable
{
    private readonly PostgresTestSchema _schema;

    private PostgresStore(PostgresTestSchema schema) => _schema = schema;

    public static async Task<PostgresStore> CreateAsync(PostgresTestCluster cluster) => new(await PostgresTestSchema.CreateAsync(cluster, "f_"));

    public FleetPersistence Persistence(PersistentActorOptions? options = null) =>
        new(new PostgreSqlJournal(_schema.Database), new PostgreSqlSnapshotStore(_schema.Database), options);

    public ValueTask DisposeAsync() => _schema.DisposeAsync();
}
