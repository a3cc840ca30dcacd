using Akka.Configuration;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

public sealed class AkkaPersistenceConfigTests
{
    private static readonly PersistenceSettings Reference = PersistenceSettings.Reference;

    private static readonly JournalTuning Tuning = new() { BatchSize = 7, Parallelism = 2, BufferSize = 99, ReplayBatchSize = 11, MaxConcurrentRecoveries = 13 };

    [Fact]
    public void Memory_uses_akkas_in_memory_plugins()
    {
        var c = AkkaPersistenceConfig.ToConfig(Reference with { Plugin = PersistencePlugin.Memory, Journal = Tuning });
        Assert.Equal("akka.persistence.journal.inmem", c.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.inmem", c.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal(13, c.GetInt("akka.persistence.max-concurrent-recoveries"));
        Assert.False(c.HasPath("akka.persistence.journal.sql.connection-string"));
        Assert.Empty(AkkaPersistenceConfig.ToSetups(Reference with { Plugin = PersistencePlugin.Memory }));
    }

    [Fact]
    public void The_actor_system_setup_puts_the_persistence_config_above_the_nodes_and_adds_the_store_setups()
    {
        var settings = Reference with { Plugin = PersistencePlugin.Sqlite, Journal = Tuning };
        var node = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.persistence.journal.plugin = other");
        var setup = AkkaPersistenceConfig.ToActorSystemSetup(settings, node);
        var config = setup.Get<Akka.Actor.BootstrapSetup>().Value.Config.Value;
        Assert.Equal("ERROR", config.GetString("akka.loglevel"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.True(setup.Get<Akka.Persistence.Sql.Config.DataOptionsSetup>().HasValue);
    }

    [Fact]
    public void Sqlite_uses_akka_persistence_sql_on_the_absolute_file_with_the_tuning()
    {
        var settings = Reference with { Plugin = PersistencePlugin.Sqlite, Sqlite = Reference.Sqlite with { Path = "rel/dir/node.db" }, Journal = Tuning };
        var c = AkkaPersistenceConfig.ToConfig(settings);
        Assert.Equal("akka.persistence.journal.sql", c.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", c.GetString("akka.persistence.snapshot-store.plugin"));
        foreach (string plugin in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql" })
        {
            Assert.Equal("SQLite.MS", c.GetString(plugin + ".provider-name"));
            Assert.True(c.GetBoolean(plugin + ".auto-initialize"));
            var cs = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(c.GetString(plugin + ".connection-string"));
            Assert.Equal(Path.GetFullPath("rel/dir/node.db"), cs.DataSource);
            // Akka.Persistence.Sql's class and table mapping come with the configuration (its reference as fallback).
            Assert.False(string.IsNullOrEmpty(c.GetString(plugin + ".class")));
            Assert.Equal("default", c.GetString(plugin + ".table-mapping"));
        }
        Assert.Equal(7, c.GetInt("akka.persistence.journal.sql.batch-size"));
        // One writer and lock-free snapshot reads, whatever the tuning says (SQLite has one writer).
        Assert.Equal(1, c.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("read-uncommitted", c.GetString("akka.persistence.journal.sql.read-isolation-level"));
        Assert.Equal("read-uncommitted", c.GetString("akka.persistence.snapshot-store.sql.read-isolation-level"));
        Assert.Equal(99, c.GetInt("akka.persistence.journal.sql.buffer-size"));
        Assert.Equal(11, c.GetInt("akka.persistence.journal.sql.replay-batch-size"));
        Assert.Equal(13, c.GetInt("akka.persistence.max-concurrent-recoveries"));
    }

    [Fact]
    public void PostgreSql_uses_akka_persistence_sql_in_the_schema()
    {
        var settings = Reference with
        {
            Plugin = PersistencePlugin.PostgreSql,
            PostgreSql = new PostgreSqlStoreSettings { ConnectionString = "Host=db;Port=5433;Database=fleet", Schema = "fleet_a" },
        };
        var c = AkkaPersistenceConfig.ToConfig(settings with { Journal = Tuning });
        Assert.Equal(2, c.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("unspecified", c.GetString("akka.persistence.journal.sql.read-isolation-level"));
        Assert.Empty(AkkaPersistenceConfig.ToSetups(settings));
        foreach (string plugin in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql" })
        {
            Assert.Equal("PostgreSQL.15", c.GetString(plugin + ".provider-name"));
            Assert.Equal("fleet_a", c.GetString(plugin + ".default.schema-name"));
            Assert.StartsWith("Host=db;Port=5433;Database=fleet", c.GetString(plugin + ".connection-string"));
        }
    }

    [Fact]
    public void Any_connection_string_reaches_akka_unchanged()
    {
        // Quotes, backslashes, HOCON syntax and control characters in a path or password must not change the text.
        // (Akka trims white space at both ends of any string, which a connection string does not mind.)
        Prop.ForAll<string>(text =>
        {
            if (text is null || text.Trim() != text) return true;
            var c = ConfigurationFactory.ParseString("a = " + AkkaPersistenceConfig.Quote(text));
            return c.GetString("a") == text;
        }).QuickCheckThrowOnFailure();
        foreach (string text in new[] { "a\"b", "c:\\d\\e", "${x}", "f = g", "h\ni", "j#k", "l//m", "\u0001" })
            Assert.Equal(text, ConfigurationFactory.ParseString("a = " + AkkaPersistenceConfig.Quote(text)).GetString("a"));
    }
}
