using Microsoft.Data.Sqlite;
using Npgsql;
using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Persistence;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>A SQLite file in a temporary folder of its own, deleted afterwards.</summary>
internal sealed class SqliteStore : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "virtsim-fleet-" + Guid.NewGuid().ToString("N")[..12]);
    private SqliteDatabase _db = null!;

    public string FilePath => Path.Combine(_folder, "fleet.db");

    public static async Task<SqliteStore> CreateAsync()
    {
        var s = new SqliteStore();
        Directory.CreateDirectory(s._folder);
        s._db = await SqliteDatabase.OpenAsync(s.FilePath);
        return s;
    }

    public FleetPersistence Persistence(PersistentActorOptions? options = null) =>
        new(new SqliteJournal(_db), new SqliteSnapshotStore(_db), options);

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A schema of its own on the shared throwaway PostgreSQL server, dropped afterwards.</summary>
internal sealed class PostgresStore : IAsyncDisposable
{
    private readonly PostgresTestCluster _cluster;
    private readonly string _schema = "f_" + Guid.NewGuid().ToString("N")[..16];
    private PostgreSqlDatabase _db = null!;

    private PostgresStore(PostgresTestCluster cluster) => _cluster = cluster;

    public static async Task<PostgresStore> CreateAsync(PostgresTestCluster cluster)
    {
        var s = new PostgresStore(cluster);
        s._db = await PostgreSqlDatabase.OpenAsync(new PostgreSqlStoreOptions { ConnectionString = cluster.ConnectionString, Schema = s._schema });
        return s;
    }

    public FleetPersistence Persistence(PersistentActorOptions? options = null) =>
        new(new PostgreSqlJournal(_db), new PostgreSqlSnapshotStore(_db), options);

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", c);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// One throwaway PostgreSQL server for the PostgreSQL tests of this project (<see cref="PostgresTestCluster"/>). When
/// the binaries are missing the fixture fails, and with it every PostgreSQL test, saying how to install them: nothing
/// is skipped.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresTestCluster? _cluster;

    public PostgresTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL test server is not running.");

    public async Task InitializeAsync() => _cluster = await PostgresTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>The test classes that share <see cref="PostgresFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL server (fleet)";
}
