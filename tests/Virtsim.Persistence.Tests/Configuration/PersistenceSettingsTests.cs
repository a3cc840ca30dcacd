using Npgsql;
using Virtsim.Hocon;
using Virtsim.Persistence.Configuration;
using Virtsim.Persistence.PostgreSql;

namespace Virtsim.Persistence.Tests.Configuration;

public class PersistenceSettingsTests
{
    private static PersistenceSettings Load(string text, Func<string, string?>? env = null) =>
        PersistenceSettingsLoader.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "node.conf", Environment = env ?? (_ => null) }));

    [Fact]
    public void Reference_conf_parses_and_its_defaults_are_the_codes()
    {
        var r = PersistenceSettings.Reference;
        Assert.Equal(PersistencePlugin.Sqlite, r.Plugin);
        Assert.Equal("data/virtsim.db", r.SqlitePath);
        Assert.Equal(Virtsim.Persistence.Sqlite.SqliteDatabase.DefaultBusyTimeout, r.SqliteBusyTimeout);
        // The group-commit limits and the schema default of the option records are the reference's.
        Assert.Equal(new BatchingJournalOptions(), r.BatchingOptions);
        Assert.Equal(new PostgreSqlStoreOptions { ConnectionString = "x" }.Schema, r.PostgreSql.Schema);
        Assert.True(r.Batching);
        var cs = new NpgsqlConnectionStringBuilder(r.PostgreSql.ConnectionString);
        Assert.Equal(("localhost", 5432, "virtsim", "virtsim"), (cs.Host, cs.Port, cs.Database, cs.Username));
        Assert.Null(cs.Password);
    }

    [Fact]
    public void An_empty_file_gives_the_reference()
    {
        Assert.Equal(PersistenceSettings.Reference, Load(""));
    }

    [Fact]
    public void Settings_override_the_reference_and_environment_substitutions_fill_the_connection()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "db.example", ["PGPORT"] = "6543" };
        var s = Load("""
            virtsim.persistence {
              plugin = postgresql
              postgresql { host = ${?PGHOST}, port = ${?PGPORT}, user = ${?PGUSER}, schema = fleet_a, password = secret }
              batching { enabled = false, max-events-per-batch = 7 }
            }
            """, k => env.GetValueOrDefault(k));
        Assert.Equal(PersistencePlugin.PostgreSql, s.Plugin);
        var cs = new NpgsqlConnectionStringBuilder(s.PostgreSql.ConnectionString);
        Assert.Equal(("db.example", 6543, "virtsim", "secret"), (cs.Host, cs.Port, cs.Username, cs.Password));
        Assert.Equal("fleet_a", s.PostgreSql.Schema);
        Assert.False(s.Batching);
        Assert.Equal(new BatchingJournalOptions { MaxEventsPerBatch = 7 }, s.BatchingOptions);
    }

    [Fact]
    public void A_whole_connection_string_wins_over_the_parts()
    {
        var s = Load("virtsim.persistence.postgresql { connection-string = \"Host=h;Port=1;Database=d\", host = other }");
        Assert.Equal("Host=h;Port=1;Database=d", s.PostgreSql.ConnectionString);
    }

    [Fact]
    public void The_sqlite_busy_timeout_is_a_duration()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Load("virtsim.persistence.sqlite.busy-timeout = 1500ms").SqliteBusyTimeout);
    }

    [Theory]
    [InlineData("virtsim.persistence.plugin = mongo", "unknown persistence plugin 'mongo'", 1)]
    [InlineData("virtsim.persistence.postgresql.port = 70000", "port 70000", 1)]
    [InlineData("virtsim.persistence.postgresql.schema = \"Bad-Name\"", "Schema name", 1)]
    [InlineData("virtsim.persistence.batching.max-requests-per-batch = 0", "at least 1", 1)]
    [InlineData("virtsim.persistence {\n  batching.enabled = maybe\n}", "boolean", 2)]
    [InlineData("virtsim.persistence.postgresql.connection-string = \"Nonsense Keyword=1\"", "connection-string", 1)]
    [InlineData("virtsim.persistence.sqlite = null", "null", 1)]
    [InlineData("virtsim.persistence.sqlite.busy-timeout = 0s", "busy-timeout", 1)]
    [InlineData("virtsim.persistence.sqlite.busy-timeout = 2h", "busy-timeout", 1)]
    public void Bad_settings_are_errors_with_a_position(string text, string expected, int line)
    {
        var e = Assert.Throws<HoconException>(() => Load(text));
        Assert.Contains(expected, e.Message);
        Assert.NotNull(e.Position);
        Assert.Equal(("node.conf", line), (e.Position!.Value.Source, e.Position.Value.Line));
    }
}
