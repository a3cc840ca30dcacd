using System.Globalization;
using System.Text;
using Akka.Configuration;
using Akka.Persistence.Sql;

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
    public const string SqliteProviderName = "SQLite.MS";

    /// <summary>linq2db's provider name for PostgreSQL 15 and later through Npgsql.</summary>
    public const string PostgreSqlProviderName = "PostgreSQL.15";

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
                AppendSql(s, settings, SqliteConnectionString(settings.Sqlite), SqliteProviderName, schema: null);
                break;
            case PersistencePlugin.PostgreSql:
                AppendSql(s, settings, settings.PostgreSql.ConnectionString, PostgreSqlProviderName, settings.PostgreSql.Schema);
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
        }.ToString();
    }

    private static void AppendSql(StringBuilder s, PersistenceSettings settings, string connectionString, string provider, string? schema)
    {
        var j = settings.Journal;
        string schemaName = schema is null ? "null" : Quote(schema);
        s.Append("  journal {\n");
        s.Append("    plugin = ").Append(Quote(SqlJournalPluginId)).Append('\n');
        s.Append("    sql {\n");
        s.Append("      connection-string = ").Append(Quote(connectionString)).Append('\n');
        s.Append("      provider-name = ").Append(Quote(provider)).Append('\n');
        s.Append("      auto-initialize = on\n");
        s.Append("      batch-size = ").Append(Number(j.BatchSize)).Append('\n');
        s.Append("      parallelism = ").Append(Number(j.Parallelism)).Append('\n');
        s.Append("      buffer-size = ").Append(Number(j.BufferSize)).Append('\n');
        s.Append("      replay-batch-size = ").Append(Number(j.ReplayBatchSize)).Append('\n');
        s.Append("      default.schema-name = ").Append(schemaName).Append('\n');
        s.Append("    }\n");
        s.Append("  }\n");
        s.Append("  snapshot-store {\n");
        s.Append("    plugin = ").Append(Quote(SqlSnapshotStorePluginId)).Append('\n');
        s.Append("    sql {\n");
        s.Append("      connection-string = ").Append(Quote(connectionString)).Append('\n');
        s.Append("      provider-name = ").Append(Quote(provider)).Append('\n');
        s.Append("      auto-initialize = on\n");
        s.Append("      default.schema-name = ").Append(schemaName).Append('\n');
        s.Append("    }\n");
        s.Append("  }\n");
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
