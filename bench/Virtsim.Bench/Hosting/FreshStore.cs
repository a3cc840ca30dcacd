using Microsoft.Data.Sqlite;
using Npgsql;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Bench.Hosting;

/// <summary>An empty store for one measurement: a SQLite file in a new folder, or a new database on the PostgreSQL server.</summary>
public sealed class FreshStore : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly TemporaryPostgresServer? _server;
    private readonly string? _database;

    private FreshStore(PersistenceSettings settings, string? folder, TemporaryPostgresServer? server, string? database)
    {
        Settings = settings;
        _folder = folder;
        _server = server;
        _database = database;
    }

    /// <summary><paramref name="tuning"/> pointed at the fresh store.</summary>
    public PersistenceSettings Settings { get; }

    /// <summary>Creates the store: <paramref name="store"/> is <c>memory</c>, <c>sqlite</c> or <c>postgresql</c> (on <paramref name="server"/>).</summary>
    public static async Task<FreshStore> CreateAsync(string store, TemporaryPostgresServer? server, PersistenceSettings tuning)
    {
        string name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        if (store == "sqlite")
        {
            string folder = Path.Combine(Path.GetTempPath(), "virtsim-" + name);
            return new FreshStore(tuning with
            {
                Plugin = PersistencePlugin.Sqlite,
                Sqlite = tuning.Sqlite with { Path = Path.Combine(folder, "journal.db") },
            }, folder, null, null);
        }
        if (store == "memory") return new FreshStore(tuning with { Plugin = PersistencePlugin.Memory }, null, null, null);
        if (store != "postgresql" || server is null) throw new ArgumentException($"unknown store {store} (sqlite or postgresql)", nameof(store));
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", admin);
            await create.ExecuteNonQueryAsync();
        }
        // The tuning's own connection-string keywords (pool sizes, reset...) stay; the server and database are this one.
        var cs = new NpgsqlConnectionStringBuilder(tuning.PostgreSql.ConnectionString) { Host = "127.0.0.1", Port = server.Port, Username = "postgres", Password = null, Database = name };
        return new FreshStore(tuning with
        {
            Plugin = PersistencePlugin.PostgreSql,
            PostgreSql = tuning.PostgreSql with { ConnectionString = cs.ConnectionString },
        }, null, server, name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
        if (_server is not null && _database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_server.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {_database} WITH (FORCE);", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
