using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using LinqToDB;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// Turns <see cref="PersistenceSettings"/> into the Akka.NET configuration of the node's journal and snapshot store:
/// Akka.NET's in-memory plug-ins, or Akka.Persistence.Sql on the SQLite file or the PostgreSQL schema, with its
/// tables created on start. Pure: it reads no file and opens no connection (<see cref="PersistenceStore"/> does).
/// </summary>
public static class AkkaPersistenceConfig
{
    /// <summary>HOCON path of the journal plug-in used for the SQL stores.</summary>
    public const string SqlJournalPluginId = "akka.persistence.journal.sql";

    /// <summary>HOCON path of the snapshot-store plug-in used for the SQL stores.</summary>
    public const string SqlSnapshotStorePluginId = "akka.persistence.snapshot-store.sql";

    /// <summary>HOCON path of Akka.NET's in-memory journal.</summary>
    public const string MemoryJournalPluginId = "akka.persistence.journal.inmem";

    /// <summary>HOCON path of Akka.NET's in-memory snapshot store.</summary>
    public const string MemorySnapshotStorePluginId = "akka.persistence.snapshot-store.inmem";

    /// <summary>linq2db's provider name for SQLite through Microsoft.Data.Sqlite.</summary>
    public const string SqliteProviderName = ProviderName.SQLiteMS;

    /// <summary>
    /// linq2db's provider name for PostgreSQL through Npgsql: the 15 dialect, the one Akka.Persistence.Sql gives an
    /// identity column (later servers accept it too).
    /// </summary>
    public const string PostgreSqlProviderName = ProviderName.PostgreSQL15;

    /// <summary>
    /// The actor-system setup of a node: <paramref name="config"/> with the persistence configuration above it, and
    /// the <see cref="ToSetups">setups</see> the store needs. Pass it to <c>ActorSystem.Create</c>.
    /// </summary>
    public static ActorSystemSetup ToActorSystemSetup(PersistenceSettings settings, Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(ToConfig(settings).WithFallback(config)));
        foreach (var extra in ToSetups(settings)) setup = setup.And(extra);
        return setup;
    }

    /// <summary>
    /// What the store needs beyond configuration, as actor-system setups: for SQLite, the linq2db options that prepare
    /// every connection (<see cref="SqliteConnectionSetup"/>); nothing for the other stores.
    /// </summary>
    public static IReadOnlyList<Setup> ToSetups(PersistenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Plugin == PersistencePlugin.Sqlite ? [new DataOptionsSetup(SqliteDataOptions(settings.Sqlite))] : [];
    }

    /// <summary>The linq2db options of the SQLite connections: the file, the provider and <see cref="SqliteConnectionSetup"/>.</summary>
    internal static DataOptions SqliteDataOptions(SqliteStoreSettings sqlite) => new DataOptions()
        .UseConnectionString(SqliteProviderName, SqliteConnectionString(sqlite))
        .UseInterceptor(new SqliteConnectionSetup(sqlite.Synchronous, sqlite.BusyTimeout));

    /// <summary>
    /// The configuration as an Akka.NET <see cref="Config"/>, to put above Akka's own defaults. For the SQL stores it
    /// carries Akka.Persistence.Sql's reference configuration as its fallback: that plug-in adds it to a system only
    /// when its extension is loaded, which comes after the journal would need it.
    /// </summary>
    public static Config ToConfig(PersistenceSettings settings)
    {
        var config = ConfigurationFactory.ParseString(ToHocon(settings));
        return settings.Plugin == PersistencePlugin.Memory ? config : config.WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The configuration as HOCON text (every string quoted, so any path or connection string is safe).</summary>
    public static string ToHocon(PersistenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var s = new StringBuilder();
        s.Append("akka.persistence {\n");
        s.Append("  max-concurrent-recoveries = ").Append(Number(settings.Journal.MaxConcurrentRecoveries)).Append('\n');
        switch (settings.Plugin)
        {
            case PersistencePlugin.Memory:
                s.Append("  journal.plugin = ").Append(Quote(MemoryJournalPluginId)).Append('\n');
                s.Append("  snapshot-store.plugin = ").Append(Quote(MemorySnapshotStorePluginId)).Append('\n');
                break;
            case PersistencePlugin.Sqlite:
                AppendSql(s, settings, SqliteConnectionString(settings.Sqlite), SqliteProviderName, schema: null, sqlite: true);
                break;
            case PersistencePlugin.PostgreSql:
                AppendSql(s, settings, settings.PostgreSql.ConnectionString, PostgreSqlProviderName, settings.PostgreSql.Schema, sqlite: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Plugin, "unknown persistence plugin");
        }
        s.Append("}\n");
        return s.ToString();
    }

    /// <summary>The Microsoft.Data.Sqlite connection string of the database file (absolute path, pooled connections).</summary>
    public static string SqliteConnectionString(SqliteStoreSettings sqlite)
    {
        ArgumentNullException.ThrowIfNull(sqlite);
        return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = sqlite.FullPath,
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database itself until the command timeout (30 s by default):
            // bound it by the busy timeout, so a file locked that long fails the store call as configured.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(sqlite.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    private static void AppendSql(StringBuilder s, PersistenceSettings settings, string connectionString, string provider, string? schema, bool sqlite)
    {
        var j = settings.Journal;
        string schemaName = schema is null ? "null" : Quote(schema);
        // SQLite has one writer at a time: a second write transaction only waits for the lock, in Microsoft.Data.Sqlite's
        // retry loop that sleeps 150 ms a turn.
        int parallelism = sqlite ? 1 : j.Parallelism;
        // Microsoft.Data.Sqlite begins every transaction but a read-uncommitted one with BEGIN IMMEDIATE, which takes
        // the write lock: reads would queue behind writes. Read-uncommitted is a plain BEGIN, a snapshot of the
        // write-ahead log (SQLite reads uncommitted data only in shared-cache mode, which is not used here).
        string readIsolation = sqlite ? "read-uncommitted" : "unspecified";
        s.Append("  journal {\n");
        s.Append("    plugin = ").Append(Quote(SqlJournalPluginId)).Append('\n');
        s.Append("    sql {\n");
        AppendConnection(s, connectionString, provider, readIsolation, schemaName);
        s.Append("      batch-size = ").Append(Number(j.BatchSize)).Append('\n');
        s.Append("      parallelism = ").Append(Number(parallelism)).Append('\n');
        s.Append("      buffer-size = ").Append(Number(j.BufferSize)).Append('\n');
        s.Append("      replay-batch-size = ").Append(Number(j.ReplayBatchSize)).Append('\n');
        s.Append("    }\n");
        s.Append("  }\n");
        s.Append("  snapshot-store {\n");
        s.Append("    plugin = ").Append(Quote(SqlSnapshotStorePluginId)).Append('\n');
        s.Append("    sql {\n");
        AppendConnection(s, connectionString, provider, readIsolation, schemaName);
        s.Append("    }\n");
        s.Append("  }\n");
    }

    // What the journal and the snapshot store both need to reach the database.
    private static void AppendConnection(StringBuilder s, string connectionString, string provider, string readIsolation, string schemaName)
    {
        s.Append("      connection-string = ").Append(Quote(connectionString)).Append('\n');
        s.Append("      provider-name = ").Append(Quote(provider)).Append('\n');
        s.Append("      auto-initialize = on\n");
        s.Append("      read-isolation-level = ").Append(readIsolation).Append('\n');
        s.Append("      default.schema-name = ").Append(schemaName).Append('\n');
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A HOCON quoted string: backslash and quote escaped, control characters as <c>\uXXXX</c>. Akka's parser keeps
    /// every character but trims white space at both ends of the string, which no connection string minds.
    /// </summary>
    internal static string Quote(string text)
    {
        var s = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': s.Append("\\\""); break;
                case '\\': s.Append("\\\\"); break;
                default:
                    if (char.IsControl(c)) s.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else s.Append(c);
                    break;
            }
        }
        return s.Append('"').ToString();
    }
}
