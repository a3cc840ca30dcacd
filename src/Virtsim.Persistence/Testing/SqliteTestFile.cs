using Microsoft.Data.Sqlite;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Testing;

/// <summary>
/// A SQLite store file in a temporary folder of its own for one test: opened at once, reopened to model a process
/// restart, a stored row corrupted behind the stores' back on request, and the folder deleted on dispose.
/// </summary>
public sealed class SqliteTestFile : IAsyncDisposable
{
    private readonly string _folder;

    private SqliteTestFile(string folder, string fileName)
    {
        _folder = folder;
        FilePath = Path.Combine(folder, fileName);
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>The open database (a new object after <see cref="ReopenAsync"/>).</summary>
    public SqliteDatabase Database { get; private set; } = null!;

    /// <summary>Creates the folder and opens a new database file named <paramref name="fileName"/> in it.</summary>
    public static async Task<SqliteTestFile> CreateAsync(string fileName = "store.db")
    {
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-sqlite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var file = new SqliteTestFile(folder, fileName);
        file.Database = await SqliteDatabase.OpenAsync(file.FilePath);
        return file;
    }

    /// <summary>Closes the database and opens the same file again, as a restarted process would.</summary>
    public async Task ReopenAsync()
    {
        await Database.DisposeAsync();
        Database = await SqliteDatabase.OpenAsync(FilePath);
    }

    /// <summary>
    /// Flips the lowest bit of the first payload byte of the row of <paramref name="persistenceId"/> and
    /// <paramref name="sequenceNr"/> in <paramref name="table"/> (<c>journal_event</c> or <c>snapshot</c>), through a
    /// connection of its own; returns the number of rows changed (1 when the row exists).
    /// </summary>
    public int CorruptPayload(string table, string persistenceId, long sequenceNr)
    {
        if (table is not ("journal_event" or "snapshot")) throw new ArgumentException($"no table {table}", nameof(table));
        using var c = new SqliteConnection($"Data Source={FilePath}");
        c.Open();
        using var read = new SqliteCommand($"SELECT payload FROM {table} WHERE persistence_id = $p AND sequence_nr = $s;", c);
        read.Parameters.AddWithValue("$p", persistenceId);
        read.Parameters.AddWithValue("$s", sequenceNr);
        if (read.ExecuteScalar() is not byte[] payload) return 0;
        payload[0] ^= 0x01;
        using var write = new SqliteCommand($"UPDATE {table} SET payload = $b WHERE persistence_id = $p AND sequence_nr = $s;", c);
        write.Parameters.AddWithValue("$b", payload);
        write.Parameters.AddWithValue("$p", persistenceId);
        write.Parameters.AddWithValue("$s", sequenceNr);
        return write.ExecuteNonQuery();
    }

    /// <summary>Closes the database and deletes the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Database is not null) await Database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a pool being torn down: the temporary folder is left behind, nothing else.
        }
    }
}
