using System.Net;
using System.Net.Sockets;
using Npgsql;
using Virtsim.Hosting.Persistence;
using Virtsim.Tests.Shared;

namespace Virtsim.Hosting.Tests.Persistence;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresServerFixture server) : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(server.Cluster);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private PersistenceSettings Settings(string schema = "virtsim") => PersistenceSettings.Reference with
    {
        Plugin = PersistencePlugin.PostgreSql,
        PostgreSql = new PostgreSqlStoreSettings { ConnectionString = _database.ConnectionString, Schema = schema },
    };

    private IReadOnlyList<JournalRow> Rows(PersistenceSettings settings, string persistenceId, TestNode node) =>
        JournalRow.ReadPostgreSql(settings.PostgreSql.ConnectionString, settings.PostgreSql.Schema, persistenceId, node.System);

    [Fact]
    public async Task Events_persisted_by_one_system_are_recovered_by_a_fresh_one()
    {
        var settings = Settings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var logs = Enumerable.Range(1, 5).Select(i => first.EventLog($"log-{i}")).ToArray();
            foreach (var log in logs) log.Tell(new Write("a", 40), first.Kit.TestActor);
            var written = Enumerable.Range(0, logs.Length).Select(_ => first.Kit.ExpectMsg<Written>(TestNode.Timeout)).ToArray();
            Assert.All(written, w => Assert.Equal(40, w.SequenceNr));
        }
        await using var second = await TestNode.StartAsync(settings);
        for (int i = 1; i <= 5; i++)
        {
            var state = second.Ask<LogState>(second.EventLog($"log-{i}"), new GetState());
            Assert.Equal(Enumerable.Range(1, 40).Select(n => $"a-{n}"), state.Events);
            Assert.Equal(40, state.LastSequenceNr);
            Assert.Equal(Enumerable.Range(1, 40).Select(n => new JournalRow($"log-{i}", n, $"a-{n}")), Rows(settings, $"log-{i}", second));
        }
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
        Assert.Equal(["30"], await _database.QueryAsync("SELECT sequence_number FROM virtsim.snapshot WHERE persistence_id = 'snap-1';"));
        await using var second = await TestNode.StartAsync(settings);
        var state = second.Ask<LogState>(second.EventLog("snap-1"), new GetState());
        Assert.Equal(30, state.SnapshotSequenceNr);
        Assert.Equal(50, state.LastSequenceNr);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"a-{i}").Concat(Enumerable.Range(1, 20).Select(i => $"b-{i}")), state.Events);
    }

    [Fact]
    public async Task The_schema_and_tables_are_created_on_an_empty_database_with_a_unique_persistence_id_and_sequence_number()
    {
        var settings = Settings("fleet_a");
        const string schemas = "SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'fleet_a';";
        Assert.Empty(await _database.QueryAsync(schemas));
        await PersistenceStore.PrepareAsync(settings);
        Assert.Equal(["fleet_a"], await _database.QueryAsync(schemas));
        await using (var node = await TestNode.StartAsync(settings))
        {
            var log = node.EventLog("schema-1");
            node.Ask<Written>(log, new Write("a", 1));
            node.Ask<SnapshotSaved>(log, new TakeSnapshot());
        }
        var tables = await _database.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'fleet_a';");
        Assert.Contains("journal", tables);
        Assert.Contains("snapshot", tables);
        var unique = await _database.QueryAsync("SELECT indexdef FROM pg_indexes WHERE schemaname = 'fleet_a' AND tablename = 'journal' AND indexdef LIKE 'CREATE UNIQUE INDEX%';");
        Assert.Contains(unique, d => d.EndsWith("(persistence_id, sequence_number)", StringComparison.Ordinal));
        // Preparing again (a node restarting) finds everything in place.
        await PersistenceStore.PrepareAsync(settings);
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

        second.Tell(new Write("c", 1), node.Kit.TestActor);
        var failed = node.Kit.ExpectMsg<PersistFailed>(TestNode.Timeout);
        Assert.Equal(("dup-1", "c-1", 2L), (failed.PersistenceId, failed.Event, failed.SequenceNr));
        Assert.IsAssignableFrom<PostgresException>(failed.Cause.GetBaseException());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, ((PostgresException)failed.Cause.GetBaseException()).SqlState);

        Assert.Equal([new JournalRow("dup-1", 1, "a-1"), new JournalRow("dup-1", 2, "b-1")], Rows(settings, "dup-1", node));
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
        WriteRace.AssertJournalKeptOnlyConfirmed(outcomes, "race-1", 40, Rows(settings, "race-1", node));
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error_naming_host_and_port()
    {
        int port = UnusedPort();
        var settings = Settings() with
        {
            PostgreSql = new PostgreSqlStoreSettings
            {
                ConnectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Database = "virtsim", Username = "virtsim", Timeout = 5 }.ConnectionString,
                Schema = "virtsim",
            },
        };
        var e = await Assert.ThrowsAsync<PersistenceStoreException>(() => PersistenceStore.PrepareAsync(settings));
        Assert.Equal(PersistencePlugin.PostgreSql, e.Plugin);
        Assert.StartsWith($"cannot reach PostgreSQL at 127.0.0.1:{port} (database virtsim, user virtsim): ", e.Message);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_missing_database_is_a_clear_error_with_the_servers_answer()
    {
        var settings = Settings() with
        {
            PostgreSql = new PostgreSqlStoreSettings
            {
                ConnectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = "no_such_db" }.ConnectionString,
                Schema = "virtsim",
            },
        };
        var e = await Assert.ThrowsAsync<PersistenceStoreException>(() => PersistenceStore.PrepareAsync(settings));
        Assert.Contains("(database no_such_db, user postgres)", e.Message);
        Assert.Contains("\"no_such_db\" does not exist", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
