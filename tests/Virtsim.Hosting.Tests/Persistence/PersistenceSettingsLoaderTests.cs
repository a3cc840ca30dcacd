using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Virtsim.Hocon;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

public sealed class PersistenceSettingsLoaderTests
{
    private static PersistenceSettings Load(string text, Func<string, string?>? env = null) =>
        PersistenceSettingsLoader.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "node.conf", Environment = env ?? (_ => null) }));

    [Fact]
    public void Reference_conf_gives_the_documented_defaults()
    {
        var r = PersistenceSettings.Reference;
        Assert.Equal(PersistencePlugin.Sqlite, r.Plugin);
        Assert.Equal("data/virtsim.db", r.Sqlite.Path);
        Assert.Equal(SqliteSynchronous.Full, r.Sqlite.Synchronous);
        Assert.Equal("virtsim", r.PostgreSql.Schema);
        var cs = new NpgsqlConnectionStringBuilder(r.PostgreSql.ConnectionString);
        Assert.Equal(("localhost", 5432, "virtsim", "virtsim"), (cs.Host, cs.Port, cs.Database, cs.Username));
        Assert.Null(cs.Password);
        Assert.True(r.Journal.BatchSize >= 1 && r.Journal.Parallelism >= 1 && r.Journal.BufferSize >= r.Journal.BatchSize);
    }

    [Fact]
    public void An_empty_file_gives_the_reference()
    {
        Assert.Equal(PersistenceSettings.Reference, Load(""));
    }

    [Fact]
    public void Every_key_overrides_the_reference()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "db.example", ["PGPORT"] = "6543" };
        var s = Load("""
            virtsim.persistence {
              plugin = postgresql
              sqlite { path = "/var/lib/virtsim/node.db", synchronous = normal, busy-timeout = 2s }
              postgresql { host = ${?PGHOST}, port = ${?PGPORT}, user = ${?PGUSER}, database = fleet, schema = fleet_a, password = secret }
              journal { batch-size = 7, parallelism = 2, buffer-size = 99, replay-batch-size = 11, max-concurrent-recoveries = 13 }
            }
            """, k => env.GetValueOrDefault(k));
        Assert.Equal(PersistencePlugin.PostgreSql, s.Plugin);
        Assert.Equal(new SqliteStoreSettings { Path = "/var/lib/virtsim/node.db", Synchronous = SqliteSynchronous.Normal, BusyTimeout = TimeSpan.FromSeconds(2) }, s.Sqlite);
        var cs = new NpgsqlConnectionStringBuilder(s.PostgreSql.ConnectionString);
        Assert.Equal(("db.example", 6543, "fleet", "virtsim", "secret"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password));
        Assert.Equal("fleet_a", s.PostgreSql.Schema);
        Assert.Equal(new JournalTuning { BatchSize = 7, Parallelism = 2, BufferSize = 99, ReplayBatchSize = 11, MaxConcurrentRecoveries = 13 }, s.Journal);
    }

    [Fact]
    public void A_whole_connection_string_wins_over_the_parts()
    {
        var s = Load("virtsim.persistence.postgresql { connection-string = \"Host=h;Port=1;Database=d\", host = other }");
        Assert.Equal("Host=h;Port=1;Database=d", s.PostgreSql.ConnectionString);
    }

    [Fact]
    public void Memory_is_a_plugin()
    {
        Assert.Equal(PersistencePlugin.Memory, Load("virtsim.persistence.plugin = memory").Plugin);
    }

    [Theory]
    [InlineData("virtsim.persistence.plugin = mongo", "unknown persistence plugin 'mongo'", 1)]
    [InlineData("virtsim.persistence.sqlite.synchronous = off", "sqlite.synchronous 'off'", 1)]
    [InlineData("virtsim.persistence.sqlite.busy-timeout = -1s", "sqlite.busy-timeout must be 0s..1h", 1)]
    [InlineData("virtsim.persistence.sqlite.path = \"\"", "not a file path", 1)]
    [InlineData("virtsim.persistence.postgresql.port = 70000", "port 70000", 1)]
    [InlineData("virtsim.persistence.postgresql.schema = \"Bad-Name\"", "postgresql.schema 'Bad-Name'", 1)]
    [InlineData("virtsim.persistence.postgresql.connection-string = \"Nonsense Keyword=1\"", "connection-string", 1)]
    [InlineData("virtsim.persistence.journal.batch-size = 0", "batch-size 0 is outside 1..100000", 1)]
    [InlineData("virtsim.persistence.journal.parallelism = 65", "parallelism 65", 1)]
    [InlineData("virtsim.persistence.journal.buffer-size = -1", "buffer-size -1", 1)]
    [InlineData("virtsim.persistence.journal.replay-batch-size = 0", "replay-batch-size 0", 1)]
    [InlineData("virtsim.persistence.journal.max-concurrent-recoveries = 0", "max-concurrent-recoveries 0", 1)]
    [InlineData("virtsim.persistence {\n  journal.parallelism = many\n}", "parallelism", 2)]
    [InlineData("virtsim.persistence.sqlite = null", "null", 1)]
    [InlineData("virtsim.persistence {\n\n  journal = 3\n}", "journal", 3)]
    public void Bad_settings_are_errors_with_a_position(string text, string expected, int line)
    {
        var e = Assert.Throws<HoconException>(() => Load(text));
        Assert.Contains(expected, e.Message);
        Assert.NotNull(e.Position);
        Assert.Equal(("node.conf", line), (e.Position!.Value.Source, e.Position.Value.Line));
        Assert.StartsWith($"node.conf:{line}:", e.Message);
    }

    [Fact]
    public void Any_batch_size_is_taken_when_in_range_and_refused_with_its_position_otherwise()
    {
        Prop.ForAll(Gen.Choose(-1_000, 200_000).ToArbitrary(), n =>
        {
            string text = $"virtsim.persistence.journal.batch-size = {n}";
            if (n is >= 1 and <= 100_000) return Load(text).Journal.BatchSize == n;
            var e = Assert.Throws<HoconException>(() => Load(text));
            return e.Message.StartsWith("node.conf:1:", StringComparison.Ordinal) && e.Message.Contains($"batch-size {n}", StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }
}
