using LinqToDB;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>The SQLite store: the shared journal contract, plus write-ahead logging, shared transactions and file errors.</summary>
public sealed class SqliteStoreTests : JournalStoreContract, IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    private PersistenceSettings Settings(string file = "store.db") => PersistenceSettings.Reference with
    {
        Plugin = PersistencePlugin.Sqlite,
        Sqlite = PersistenceSettings.Reference.Sqlite with { Path = Path.Combine(_folder.Path, file) },
    };

    public void Dispose() => _folder.Dispose();

    /// <inheritdoc/>
    protected override PersistenceSettings StoreSettings() => Settings();

    /// <inheritdoc/>
    protected override IReadOnlyList<JournalRow> Rows(PersistenceSettings settings, string persistenceId, TestNode node) =>
        JournalRow.ReadSqlite(settings.Sqlite.FullPath, persistenceId, node.System);

    /// <inheritdoc/>
    protected override Task<IReadOnlyList<long>> SnapshotSequenceNrsAsync(PersistenceSettings settings, string persistenceId) =>
        Task.FromResult(SnapshotSequenceNrs(settings.Sqlite.FullPath, persistenceId));

    /// <inheritdoc/>
    protected override void AssertDuplicateKeyRefusal(Exception cause) =>
        Assert.Equal(SqliteConstraint, Assert.IsType<SqliteException>(cause, exactMatch: false).SqliteErrorCode);

    // SQLITE_CONSTRAINT: the unique (persistence_id, sequence_number) index refused the row.
    private const int SqliteConstraint = 19;

    [Fact]
    public async Task Preparing_creates_the_folders_and_puts_the_file_in_write_ahead_log_mode_before_akka_opens_it()
    {
        var settings = Settings(Path.Combine("a", "b", "store.db"));
        await PersistenceStore.PrepareAsync(settings);
        Assert.True(File.Exists(settings.Sqlite.FullPath));
        Assert.Equal("wal", JournalMode(settings.Sqlite.FullPath));
        await using (var node = await TestNode.StartAsync(settings))
            node.Ask<Written>(node.EventLog("wal-1"), new Write("a", 3));
        Assert.Equal("wal", JournalMode(settings.Sqlite.FullPath));
    }

    [Fact]
    public async Task The_tables_are_created_on_an_empty_database_with_a_unique_persistence_id_and_sequence_number()
    {
        var settings = Settings();
        await PersistenceStore.PrepareAsync(settings);
        Assert.Empty(Tables(settings.Sqlite.FullPath));
        await using (var node = await TestNode.StartAsync(settings))
        {
            var log = node.EventLog("schema-1");
            node.Ask<Written>(log, new Write("a", 1));
            node.Ask<SnapshotSaved>(log, new TakeSnapshot());
        }
        var tables = Tables(settings.Sqlite.FullPath);
        Assert.Contains("journal", tables);
        Assert.Contains("snapshot", tables);
        Assert.Contains(UniqueIndexes(settings.Sqlite.FullPath, "journal"), columns => columns.SequenceEqual(["persistence_id", "sequence_number"]));
    }

    [Fact]
    public async Task Writes_of_many_actors_share_transactions()
    {
        // Microsoft.Data.Sqlite commits synchronously: unless the connection setup moves the work off Akka.Persistence.Sql's
        // write stream, every transaction carries one actor's write and the journal runs at the disk's fsync rate.
        var settings = Settings();
        await using var node = await TestNode.StartAsync(settings);
        var logs = Enumerable.Range(0, 100).Select(i => node.EventLog($"many-{i}")).ToArray();
        foreach (var log in logs) Assert.Equal(0, node.Ask<LogState>(log, new GetState()).LastSequenceNr);
        int before = WalCommits.Count(settings.Sqlite.FullPath);
        foreach (var log in logs) log.Tell(new Write("a", 1), node.Kit.TestActor);
        for (int i = 0; i < logs.Length; i++) node.Kit.ExpectMsg<Written>(TestNode.Timeout);
        int commits = WalCommits.Count(settings.Sqlite.FullPath) - before;
        Assert.InRange(commits, 1, logs.Length / 2);
    }

    [Fact]
    public async Task Recovery_reads_while_another_connection_holds_the_write_lock()
    {
        var settings = Settings();
        await using (var first = await TestNode.StartAsync(settings))
            first.Ask<Written>(first.EventLog("locked-1"), new Write("a", 5));
        await using var node = await TestNode.StartAsync(settings);
        await using var writer = new SqliteConnection($"Data Source={settings.Sqlite.FullPath};Pooling=False");
        await writer.OpenAsync();
        await using var lockHolder = writer.BeginTransaction(deferred: false);
        // Reads are snapshots of the log and need no lock; were they transactions that take the write lock, recovery
        // would wait for this one until the busy timeout (30 s) and then fail.
        var state = node.Ask<LogState>(node.EventLog("locked-1"), new GetState(), TimeSpan.FromSeconds(20));
        Assert.Equal(5, state.LastSequenceNr);
        lockHolder.Rollback();
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task Every_connection_akka_opens_gets_the_configured_flushing_and_a_busy_timeout(SqliteSynchronous synchronous, long pragmaValue)
    {
        var settings = Settings() with { Sqlite = Settings().Sqlite with { Synchronous = synchronous } };
        await PersistenceStore.PrepareAsync(settings);
        Assert.IsType<Akka.Persistence.Sql.Config.DataOptionsSetup>(Assert.Single(AkkaPersistenceConfig.ToSetups(settings)));
        await using var db = new DataConnection(AkkaPersistenceConfig.SqliteDataOptions(settings.Sqlite));
        // The async open path (Akka.Persistence.Sql's) and the synchronous one.
        Assert.Equal(pragmaValue, await db.ExecuteAsync<long>("PRAGMA synchronous;"));
        Assert.Equal(30_000L, await db.ExecuteAsync<long>("PRAGMA busy_timeout;"));
        await db.CloseAsync();
        Assert.Equal(pragmaValue, db.Execute<long>("PRAGMA synchronous;"));
    }

    [Fact]
    public async Task A_path_below_a_file_is_a_clear_error_naming_the_path()
    {
        string blocker = Path.Combine(_folder.Path, "blocker");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var settings = Settings(Path.Combine("blocker", "sub", "store.db"));
        var e = await Assert.ThrowsAsync<PersistenceStoreException>(() => PersistenceStore.PrepareAsync(settings));
        Assert.Equal(PersistencePlugin.Sqlite, e.Plugin);
        Assert.Contains(settings.Sqlite.FullPath, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_folder_in_place_of_the_file_is_a_clear_error_naming_the_path()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "store.db"));
        var settings = Settings();
        var e = await Assert.ThrowsAsync<PersistenceStoreException>(() => PersistenceStore.PrepareAsync(settings));
        Assert.Contains($"cannot open the SQLite database {settings.Sqlite.FullPath}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static string JournalMode(string path) => Query(path, "PRAGMA journal_mode;").Single();

    private static IReadOnlyList<string> Tables(string path) => Query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");

    private static IReadOnlyList<long> SnapshotSequenceNrs(string path, string persistenceId) =>
        Query(path, $"SELECT sequence_number FROM snapshot WHERE persistence_id = '{persistenceId}' ORDER BY sequence_number;").Select(long.Parse).ToArray();

    private static IEnumerable<string[]> UniqueIndexes(string path, string table) =>
        Query(path, $"SELECT name FROM pragma_index_list('{table}') WHERE \"unique\" = 1;")
            .Select(index => Query(path, $"SELECT name FROM pragma_index_info('{index}') ORDER BY seqno;").ToArray());

    private static List<string> Query(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }
}
