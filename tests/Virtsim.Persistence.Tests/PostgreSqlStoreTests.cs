using Virtsim.Tests.Shared;
using Npgsql;
using Virtsim.Persistence.PostgreSql;

namespace Virtsim.Persistence.Tests;

/// <summary>The store contract on a real PostgreSQL server, plus schema isolation and concurrent migration.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresFixture fixture) : StoreContractTests
{
    /// <inheritdoc />
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(fixture.Cluster);

    [Fact]
    public Task Random_operations_agree_with_the_model() => Task.Run(() => JournalModelProperty.Check(J, 60));

    [Fact]
    public async Task Processes_starting_together_migrate_a_new_schema_once()
    {
        string schema = "mig_" + Guid.NewGuid().ToString("N")[..12];
        var options = new PostgreSqlStoreOptions { ConnectionString = fixture.Cluster.ConnectionString, Schema = schema };
        PostgreSqlDatabase[] dbs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgreSqlDatabase.OpenAsync(options)));
        try
        {
            Assert.All(dbs, d => Assert.Equal(PostgreSqlSchema.LatestVersion, d.SchemaVersion));
            await using var c = new NpgsqlConnection(fixture.Cluster.ConnectionString);
            await c.OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".schema_version;", c);
            Assert.Equal((long)PostgreSqlSchema.Migrations.Count, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            foreach (PostgreSqlDatabase d in dbs)
            {
                await d.DisposeAsync();
            }

            await using var c = new NpgsqlConnection(fixture.Cluster.ConnectionString);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE;", c);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Schemas_isolate_stores()
    {
        await J.AppendAsync(Events.Append("iso", 1, 3));
        await using PostgresHarness other = await PostgresHarness.CreateAsync(fixture.Cluster);
        Assert.Equal(0, await other.Journal.ReadHighestSequenceNrAsync("iso"));
    }

    [Fact]
    public async Task Unsafe_schema_names_are_refused()
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = fixture.Cluster.ConnectionString, Schema = "x\"; DROP TABLE y; --" };
        await Assert.ThrowsAsync<ArgumentException>(() => PostgreSqlDatabase.OpenAsync(options));
    }

    [Fact]
    public async Task An_older_schema_is_upgraded_on_open()
    {
        string schema = "old_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(fixture.Cluster.ConnectionString))
        {
            await c.OpenAsync();
            await using var v1 = new NpgsqlCommand(
                $"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".schema_version (version integer NOT NULL PRIMARY KEY, description text NOT NULL);" +
                PostgreSqlSchema.Migrations[0].Sql.Replace("{schema}", $"\"{schema}\"") +
                $"INSERT INTO \"{schema}\".schema_version VALUES (1, 'v1'); INSERT INTO \"{schema}\".journal_owner VALUES ('old', 3, 0);", c);
            await v1.ExecuteNonQueryAsync();
        }

        await using PostgreSqlDatabase db = await PostgreSqlDatabase.OpenAsync(new PostgreSqlStoreOptions { ConnectionString = fixture.Cluster.ConnectionString, Schema = schema });
        Assert.Equal(PostgreSqlSchema.LatestVersion, db.SchemaVersion);
        await new PostgreSqlSnapshotStore(db).SaveAsync(Snap("old", 1, DateTimeOffset.UnixEpoch));
        await Assert.ThrowsAsync<FencedWriterException>(() => new PostgreSqlJournal(db).AppendAsync(Events.Append("old", 1, epoch: 2)));
        await new PostgreSqlJournal(db).AppendAsync(Events.Append("old", 1, epoch: 3));
    }
}
