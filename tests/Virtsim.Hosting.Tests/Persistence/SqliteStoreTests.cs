using LinqToDB;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    private PersistenceSettings Settings(string file = "store.db") => PersistenceSettings.Reference with
    {
        Plugin = PersistencePlugin.Sqlite,
        Sqlite = PersistenceSettings.Reference.Sqlite with { Path = Path.Combine(_folder.Path, file) },
    };

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Events_persisted_by_one_system_are_recovered_by_a_fresh_one()
    {
        var settings = Settings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var log = first.EventLog("log-1");
            Assert.Equal(50, first.Ask<Written>(log, new Write("a", 50)).SequenceNr);
            Assert.Equal(80, first.Ask<Written>(log, new Write("b", 30)).SequenceNr);
        }
        await using var second = await TestNode.StartAsync(settings);
        var state = second.Ask<LogState>(second.EventLog("log-1"), new GetState());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"a-{i}").Concat(Enumerable.Range(1, 30).Select(i => $"b-{i}")), state.Events);
        Assert.Equal(80, state.LastSequenceNr);
        Assert.Null(state.SnapshotSequenceNr);
        Assert.Equal(80, JournalRow.ReadSqlite(settings.Sqlite.FullPath, "log-1", second.System).Count);
    }

    [Fact]
    public async Task A_fresh_system_starts_from_the_snapshot_and_replays_only_the_events_after_it()
    {
        var settings = Settings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var log = first.EventLog("snap-1");
            first.Ask<Written>(log, new Write("a", 30));
            Assert.Equal(30, first.Ask<SnapshotSaved>(log, new TakeSnapshot()).SequenceNr);
            first.Ask<Written>(log, new Write("b", 20));
        }
        Assert.Equal([30L], SnapshotSequenceNrs(settings.Sqlite.FullPath, "snap-1"));
        await using var second = await TestNode.StartAsync(settings);
        var state = second.Ask<LogState>(second.EventLog("snap-1"), new GetState());
        Assert.Equal(30, state.SnapshotSequenceNr);
        Assert.Equal(50, state.LastSequenceNr);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"a-{i}").Concat(Enumerable.Range(1, 20).Select(i => $"b-{i}")), state.Events);
    }

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
    public async Task A_second_writer_of_the_same_persistence_id_fails_and_the_journal_keeps_the_first_writers_events_once()
    {
        var settings = Settings();
        await using var node = await TestNode.StartAsync(settings);
        var first = node.EventLog("dup-1");
        node.Ask<Written>(first, new Write("a", 1));
        var second = node.EventLog("dup-1");
        Assert.Equal(1, node.Ask<LogState>(second, new GetState()).LastSequenceNr);
        node.Ask<Written>(first, new Write("b", 1));

        // The second writer still believes sequence number 2 is free.
        second.Tell(new Write("c", 1), node.Kit.TestActor);
        var failed = node.Kit.ExpectMsg<PersistFailed>(TestNode.Timeout);
        Assert.Equal(("dup-1", "c-1", 2L), (failed.PersistenceId, failed.Event, failed.SequenceNr));

        Assert.Equal([new JournalRow("dup-1", 1, "a-1"), new JournalRow("dup-1", 2, "b-1")],
            JournalRow.ReadSqlite(settings.Sqlite.FullPath, "dup-1", node.System));
    }

    [Fact]
    public async Task Two_writers_racing_on_one_persistence_id_leave_only_confirmed_events_each_once()
    {
        var settings = Settings();
        await using var node = await TestNode.StartAsync(settings);
        var a = node.EventLog("race-1");
        var b = node.EventLog("race-1");
        Assert.Equal(0, node.Ask<LogState>(a, new GetState()).LastSequenceNr);
        Assert.Equal(0, node.Ask<LogState>(b, new GetState()).LastSequenceNr);
        a.Tell(new Write("a", 40), node.Kit.TestActor);
        b.Tell(new Write("b", 40), node.Kit.TestActor);
        var outcomes = new[] { node.Kit.ExpectMsg<object>(TestNode.Timeout), node.Kit.ExpectMsg<object>(TestNode.Timeout) };
        WriteRace.AssertJournalKeptOnlyConfirmed(outcomes, "race-1", 40,
            JournalRow.ReadSqlite(settings.Sqlite.FullPath, "race-1", node.System));
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
