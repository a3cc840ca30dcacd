using Microsoft.Data.Sqlite;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Tests;

/// <summary>The store contract on SQLite, plus what is SQLite's own: WAL, fsync level, a second process on the file.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private SqliteHarness Sqlite => (SqliteHarness)H;

    /// <inheritdoc />
    protected override async Task<StoreHarness> CreateHarnessAsync() => await SqliteHarness.CreateAsync();

    [Fact]
    public Task Random_operations_agree_with_the_model() => Task.Run(() => JournalModelProperty.Check(J, 60));

    [Fact]
    public void The_file_is_in_wal_mode_with_full_sync()
    {
        using var c = new SqliteConnection($"Data Source={Sqlite.FilePath}");
        c.Open();
        using var mode = new SqliteCommand("PRAGMA journal_mode;", c);
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
        Assert.Equal(2L, Sqlite.Database.SchemaVersion);
        using var sync = new SqliteCommand("PRAGMA synchronous;", Sqlite.Database.Writer);
        Assert.Equal(2L, (long)sync.ExecuteScalar()!); // 2 = FULL
    }

    [Fact]
    public async Task Two_databases_on_one_file_race_safely()
    {
        await using SqliteDatabase second = await SqliteDatabase.OpenAsync(Sqlite.FilePath);
        var other = new SqliteJournal(second);
        int wins = 0;
        await Task.WhenAll(new[] { J, other }.Select(j => Task.Run(async () =>
        {
            for (int i = 0; i < 60; i++)
            {
                long next = await j.ReadHighestSequenceNrAsync("shared") + 1;
                try
                {
                    await j.AppendAsync(Events.Append("shared", next));
                    Interlocked.Increment(ref wins);
                }
                catch (JournalConflictException)
                {
                }
            }
        })));
        Assert.Equal(wins, (await Events.ReadAllAsync(J, "shared")).Count);
        Assert.Equal(wins, await other.ReadHighestSequenceNrAsync("shared"));
    }

    [Fact]
    public async Task An_older_schema_is_upgraded_on_open()
    {
        string path = Path.Combine(Path.GetDirectoryName(Sqlite.FilePath)!, "old.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var v1 = new SqliteCommand(
                "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL);" +
                SqliteSchema.Migrations[0].Sql +
                "INSERT INTO schema_version VALUES (1, 'v1');" +
                "INSERT INTO journal_owner VALUES ('old', 3, 0);", c);
            v1.ExecuteNonQuery();
        }

        await using SqliteDatabase db = await SqliteDatabase.OpenAsync(path);
        Assert.Equal(SqliteSchema.LatestVersion, db.SchemaVersion);
        await new SqliteSnapshotStore(db).SaveAsync(Snap("old", 1, DateTimeOffset.UnixEpoch));
        await Assert.ThrowsAsync<FencedWriterException>(() => new SqliteJournal(db).AppendAsync(Events.Append("old", 1, epoch: 2)));
    }

    [Fact]
    public async Task The_files_as_left_by_a_crash_hold_every_acknowledged_write()
    {
        // Copy the database and its WAL while the store is open and nothing is checkpointed: this is what a
        // killed process leaves on disk. Opening the copy must recover every acknowledged append from the WAL.
        await J.AppendAsync(Events.Append("crash", 1, 20));
        await using (var batching = new BatchingJournal(J))
        {
            await Task.WhenAll(Enumerable.Range(21, 30).Select(i => batching.AppendAsync(Events.Append("crash", i))).ToArray());
        }

        string copyDir = Path.Combine(Path.GetDirectoryName(Sqlite.FilePath)!, "crashed");
        Directory.CreateDirectory(copyDir);
        foreach (string suffix in new[] { "", "-wal" })
        {
            Assert.True(File.Exists(Sqlite.FilePath + suffix) || suffix == "", $"missing {suffix}");
            using var source = new FileStream(Sqlite.FilePath + suffix, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = File.Create(Path.Combine(copyDir, "store.db" + suffix));
            await source.CopyToAsync(target);
        }

        Assert.True(new FileInfo(Path.Combine(copyDir, "store.db-wal")).Length > 0, "the writes should still be in the WAL");
        await using SqliteDatabase recovered = await SqliteDatabase.OpenAsync(Path.Combine(copyDir, "store.db"));
        var journal = new SqliteJournal(recovered);
        Assert.Equal(50, await journal.ReadHighestSequenceNrAsync("crash"));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), (await Events.ReadAllAsync(journal, "crash")).Select(e => e.SequenceNr));
    }
}
