using Microsoft.Data.Sqlite;
using Npgsql;
using Virtsim.Persistence;
using Virtsim.Persistence.Memory;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>
/// A journal and a snapshot store of one kind for one test: memory, SQLite on a temporary file, or a schema of
/// its own on the shared throwaway PostgreSQL server. <see cref="ReopenAsync"/> is what a process restart does
/// (memory: nothing to reopen).
/// </summary>
public abstract class TestStores : IAsyncDisposable
{
    public abstract IJournal Journal { get; }
    public abstract ISnapshotStore Snapshots { get; }

    /// <summary>Closes and reopens the stores over the same data.</summary>
    public abstract Task ReopenAsync();

    /// <summary>Flips a bit of a stored event's payload behind the journal's back.</summary>
    public abstract Task CorruptEventAsync(string persistenceId, long sequenceNr);

    public abstract ValueTask DisposeAsync();
}

public sealed class MemoryStores : TestStores
{
    public override IJournal Journal { get; } = new MemoryJournal();
    public override ISnapshotStore Snapshots { get; } = new MemorySnapshotStore();
    public override Task ReopenAsync() => Task.CompletedTask;
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr) =>
        throw new NotSupportedException("The memory journal's rows are not reachable from here.");
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class SqliteStores : TestStores
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "virtsim-actors-" + Guid.NewGuid().ToString("N")[..12]);
    private SqliteDatabase _db = null!;
    private IJournal _journal = null!;
    private ISnapshotStore _snapshots = null!;

    private SqliteStores() => Directory.CreateDirectory(_folder);

    public string FilePath => Path.Combine(_folder, "actors.db");
    public override IJournal Journal => _journal;
    public override ISnapshotStore Snapshots => _snapshots;

    public static async Task<SqliteStores> CreateAsync()
    {
        var s = new SqliteStores();
        await s.OpenAsync();
        return s;
    }

    public override async Task ReopenAsync()
    {
        await _db.DisposeAsync();
        await OpenAsync();
    }

    public override Task CorruptEventAsync(string persistenceId, long sequenceNr)
    {
        using var c = new SqliteConnection($"Data Source={FilePath}");
        c.Open();
        using var read = new SqliteCommand("SELECT payload FROM journal_event WHERE persistence_id = $p AND sequence_nr = $s;", c);
        read.Parameters.AddWithValue("$p", persistenceId);
        read.Parameters.AddWithValue("$s", sequenceNr);
        var payload = (byte[])read.ExecuteScalar()!;
        payload[0] ^= 0x01;
        using var write = new SqliteCommand("UPDATE journal_event SET payload = $b WHERE persistence_id = $p AND sequence_nr = $s;", c);
        write.Parameters.AddWithValue("$b", payload);
        write.Parameters.AddWithValue("$p", persistenceId);
        write.Parameters.AddWithValue("$s", sequenceNr);
        Assert.Equal(1, write.ExecuteNonQuery());
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
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

    private async Task OpenAsync()
    {
        _db = await SqliteDatabase.OpenAsync(FilePath);
        _journal = new SqliteJournal(_db);
        _snapshots = new SqliteSnapshotStore(_db);
    }
}

public sealed class PostgresStores : TestStores
{
    private readonly PostgresTestCluster _cluster;
    private readonly string _schema = "a_" + Guid.NewGuid().ToString("N")[..16];
    private PostgreSqlDatabase _db = null!;
    private IJournal _journal = null!;
    private ISnapshotStore _snapshots = null!;

    private PostgresStores(PostgresTestCluster cluster) => _cluster = cluster;

    public override IJournal Journal => _journal;
    public override ISnapshotStore Snapshots => _snapshots;

    public static async Task<PostgresStores> CreateAsync(PostgresTestCluster cluster)
    {
        var s = new PostgresStores(cluster);
        await s.OpenAsync();
        return s;
    }

    public override async Task ReopenAsync()
    {
        await _db.DisposeAsync();
        await OpenAsync();
    }

    public override async Task CorruptEventAsync(string persistenceId, long sequenceNr)
    {
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"UPDATE \"{_schema}\".journal_event SET payload = set_byte(payload, 0, get_byte(payload, 0) # 1) WHERE persistence_id = $1 AND sequence_nr = $2;", c);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    public override async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await using var c = new NpgsqlConnection(_cluster.ConnectionString);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", c);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task OpenAsync()
    {
        _db = await PostgreSqlDatabase.OpenAsync(new PostgreSqlStoreOptions { ConnectionString = _cluster.ConnectionString, Schema = _schema });
        _journal = new PostgreSqlJournal(_db);
        _snapshots = new PostgreSqlSnapshotStore(_db);
    }
}
