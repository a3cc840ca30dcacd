using Microsoft.Data.Sqlite;
using Virtsim.Persistence;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Tests;

/// <summary>The SQLite stores on a fresh temporary file; a restart closes and reopens the file.</summary>
public sealed class SqliteHarness : StoreHarness
{
    private readonly string _folder;
    private SqliteDatabase _db = null!;
    private SqliteJournal _journal = null!;
    private SqliteSnapshotStore _snapshots = null!;

    private SqliteHarness(string folder) => _folder = folder;

    /// <summary>The database file.</summary>
    public string FilePath => Path.Combine(_folder, "store.db");

    /// <inheritdoc />
    public override IJournal Journal => _journal;

    /// <inheritdoc />
    public override ISnapshotStore Snapshots => _snapshots;

    /// <inheritdoc />
    public override int? SchemaVersion => _db.SchemaVersion;

    /// <inheritdoc />
    public override int? LatestSchemaVersion => SqliteSchema.LatestVersion;

    /// <summary>The open database.</summary>
    public SqliteDatabase Database => _db;

    /// <summary>Creates the harness on a new temporary file.</summary>
    public static async Task<SqliteHarness> CreateAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-sqlite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var h = new SqliteHarness(folder);
        await h.OpenAsync();
        return h;
    }

    /// <inheritdoc />
    public override async Task RestartAsync()
    {
        await _db.DisposeAsync();
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

    private Task FlipAsync(string table, string persistenceId, long sequenceNr)
    {
        using var c = new SqliteConnection($"Data Source={FilePath}");
        c.Open();
        using var read = new SqliteCommand($"SELECT payload FROM {table} WHERE persistence_id = $p AND sequence_nr = $s;", c);
        read.Parameters.AddWithValue("$p", persistenceId);
        read.Parameters.AddWithValue("$s", sequenceNr);
        byte[] payload = (byte[])read.ExecuteScalar()!;
        payload[0] ^= 0x01;
        using var write = new SqliteCommand($"UPDATE {table} SET payload = $b WHERE persistence_id = $p AND sequence_nr = $s;", c);
        write.Parameters.AddWithValue("$b", payload);
        write.Parameters.AddWithValue("$p", persistenceId);
        write.Parameters.AddWithValue("$s", sequenceNr);
        Assert.Equal(1, write.ExecuteNonQuery());
        return Task.CompletedTask;
    }
}
