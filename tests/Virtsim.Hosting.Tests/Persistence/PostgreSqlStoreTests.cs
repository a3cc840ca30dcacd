using System.Net;
using System.Net.Sockets;
using Npgsql;
using Virtsim.Hosting.Persistence;
using Virtsim.Tests.Shared;

namespace Virtsim.Hosting.Tests.Persistence;

[Collection(PostgresServerCollection.Name)]
/// <summary>The PostgreSQL store: the shared journal contract, plus its schema and connection errors.</summary>
public sealed class PostgreSqlStoreTests(PostgresServerFixture server) : JournalStoreContract, IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(server.Cluster);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private PersistenceSettings Settings(string schema = "virtsim") => PersistenceSettings.Reference with
    {
        Plugin = PersistencePlugin.PostgreSql,
        PostgreSql = new PostgreSqlStoreSettings { ConnectionString = _database.ConnectionString, Schema = schema },
    };

    /// <inheritdoc/>
    protected override PersistenceSettings StoreSettings() => Settings();

    /// <inheritdoc/>
    protected override IReadOnlyList<JournalRow> Rows(PersistenceSettings settings, string persistenceId, TestNode node) =>
        JournalRow.ReadPostgreSql(settings.PostgreSql.ConnectionString, settings.PostgreSql.Schema, persistenceId, node.System);

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<long>> SnapshotSequenceNrsAsync(PersistenceSettings settings, string persistenceId) =>
        (await _database.QueryAsync($"SELECT sequence_number FROM \"{settings.PostgreSql.Schema}\".snapshot WHERE persistence_id = '{persistenceId}' ORDER BY sequence_number;"))
            .Select(long.Parse).ToArray();

    /// <inheritdoc/>
    protected override void AssertDuplicateKeyRefusal(Exception cause) =>
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(cause, exactMatch: false).SqlState);

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
