using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Virtsim.Hocon.Tests;
using Virtsim.Tests.Shared;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// <c>virtsim run scenarios/crash-recovery.conf</c> on a real-time node: actors on Akka.NET's dispatchers, devices and
/// backends journaling through Akka.Persistence.Sql, the scenario's crashes at their real times. The run must pass
/// and the store must hold the run's events (volume), not only report them.
/// </summary>
public class RealTimeRunCommandTests
{
    // The run's verdict from its JSON line: it passed, lost no acknowledged write, and recovered every crashed device.
    internal static JsonElement AssertPassedInRealTime(int code, string output, string error)
    {
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var root = JsonDocument.Parse(lines[^1]).RootElement.Clone();
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(0, root.GetProperty("ackedWritesLost").GetInt64());
        Assert.Equal(0, root.GetProperty("duplicateCompletions").GetInt64());
        Assert.Equal(root.GetProperty("framesDroppedByCrash").GetInt64(), root.GetProperty("lost").GetInt64());
        Assert.Equal(5, root.GetProperty("recoveries").GetInt64()); // the scenario's five device-crash faults
        Assert.Equal("0000000000000000", root.GetProperty("traceHash").GetString()); // real time: no trace
        Assert.True(root.GetProperty("counters").GetProperty("diskEventsJournaled").GetInt64() > 500, lines[^1]);
        Assert.Contains("threaded dispatcher", error);
        return root;
    }

    // The disk events are counted once durable, so the journal holds at least those. A crash may take an event down
    // before it was written, or after it was written but before its writer heard so (a backend crash with writes in
    // flight), so the journal holds at most all the disk events and device images that were sent.
    internal static void AssertJournalHolds(JsonElement root, long rows)
    {
        var counters = root.GetProperty("counters");
        long disk = counters.GetProperty("diskEventsJournaled").GetInt64();
        long sent = counters.GetProperty("diskEventsSent").GetInt64() + counters.GetProperty("deviceEventsJournaled").GetInt64();
        Assert.InRange(rows, disk, sent);
    }

    [Fact]
    public void Crash_recovery_in_real_time_on_sqlite_passes_and_the_file_holds_the_runs_events()
    {
        var folder = Path.Combine(Path.GetTempPath(), "virtsim-rt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            string db = Path.Combine(folder, "run.db");
            string cluster = Path.Combine(folder, "node.conf");
            File.WriteAllText(cluster, $$"""
                include "{{Path.Combine(RepositoryConfigs.Root(), "cluster-config", "real-time.conf").Replace("\\", "/", StringComparison.Ordinal)}}"
                virtsim.persistence.sqlite.path = "{{db.Replace("\\", "/", StringComparison.Ordinal)}}"
                """);
            var (code, output, error) = CrashRecoveryCommandTests.Cli("run", CrashRecoveryCommandTests.Scenario, "--json", "--cluster", cluster);
            var root = AssertPassedInRealTime(code, output, error);

            using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly }.ToString());
            c.Open();
            using var count = c.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'run/crash-recovery/7/%'";
            long rows = (long)count.ExecuteScalar()!;
            AssertJournalHolds(root, rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The same with <c>--cluster cluster-config/postgresql.conf</c>, pointed at a throwaway server by the libpq variables.</summary>
[Collection(PostgresServerCollection.Name)]
public class RealTimePostgresRunCommandTests(PostgresServerFixture fixture)
{
    [Fact]
    public async Task Crash_recovery_in_real_time_on_postgresql_passes_and_the_schema_holds_the_runs_events()
    {
        var cs = new NpgsqlConnectionStringBuilder(fixture.Cluster.ConnectionString);
        string schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        var vars = new Dictionary<string, string?>
        {
            ["PGHOST"] = cs.Host, ["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["PGUSER"] = cs.Username,
            ["PGDATABASE"] = cs.Database, ["PGPASSWORD"] = cs.Password, ["VIRTSIM_PG_SCHEMA"] = schema, ["VIRTSIM_PG_CONNECTION"] = null,
        };
        var saved = vars.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (k, v) in vars) Environment.SetEnvironmentVariable(k, v);
            var cluster = Path.Combine(RepositoryConfigs.Root(), "cluster-config", "postgresql.conf");
            var (code, output, error) = CrashRecoveryCommandTests.Cli("run", CrashRecoveryCommandTests.Scenario, "--json", "--cluster", cluster);
            Assert.Contains("postgresql schema " + schema, error);
            var root = RealTimeRunCommandTests.AssertPassedInRealTime(code, output, error);

            await using var c = new NpgsqlConnection(fixture.Cluster.ConnectionString);
            await c.OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{schema}\".journal WHERE persistence_id LIKE 'run/crash-recovery/7/%'", c);
            long rows = (long)(await count.ExecuteScalarAsync())!;
            RealTimeRunCommandTests.AssertJournalHolds(root, rows);
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
            await using var c = new NpgsqlConnection(fixture.Cluster.ConnectionString);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", c);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
