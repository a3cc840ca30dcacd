using System.Text.RegularExpressions;
using Npgsql;
using Virtsim.Hocon;
using static Virtsim.Hocon.HoconSettings;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// Reads <c>virtsim.persistence</c> from a configuration into <see cref="PersistenceSettings"/>, falling back on
/// this assembly's reference.conf for every setting left out. Every problem is a <see cref="HoconException"/>
/// with a position.
/// </summary>
public static partial class PersistenceSettingsLoader
{
    /// <summary>The settings of <paramref name="config"/> (a whole node configuration; only <c>virtsim.persistence</c> is read).</summary>
    /// <exception cref="HoconException">A setting is missing, of the wrong type or out of range.</exception>
    public static PersistenceSettings FromConfig(HoconConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var all = config.WithFallback(HostingReference.Config);
        var p = At(all, c => c.GetConfig("virtsim.persistence"));
        var pluginText = At(p, c => c.GetString("plugin"));
        var plugin = pluginText switch
        {
            "memory" => PersistencePlugin.Memory,
            "sqlite" => PersistencePlugin.Sqlite,
            "postgresql" => PersistencePlugin.PostgreSql,
            _ => throw new HoconException(p.GetValue("plugin").Position, $"unknown persistence plugin '{pluginText}' (memory, sqlite or postgresql)"),
        };
        return new PersistenceSettings
        {
            Plugin = plugin,
            Sqlite = Sqlite(At(p, c => c.GetConfig("sqlite"))),
            PostgreSql = PostgreSql(At(p, c => c.GetConfig("postgresql"))),
            Journal = Journal(At(p, c => c.GetConfig("journal"))),
        };
    }

    private static SqliteStoreSettings Sqlite(HoconConfig sqlite)
    {
        string path = At(sqlite, c => c.GetString("path"));
        if (path.Length == 0 || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw new HoconException(sqlite.GetValue("path").Position, $"sqlite.path '{path}' is not a file path");
        string synchronous = At(sqlite, c => c.GetString("synchronous"));
        var busy = At(sqlite, c => c.GetDuration("busy-timeout"));
        if (busy < TimeSpan.Zero || busy > TimeSpan.FromHours(1))
            throw new HoconException(sqlite.GetValue("busy-timeout").Position, $"sqlite.busy-timeout must be 0s..1h (got {busy})");
        return new SqliteStoreSettings
        {
            Path = path,
            BusyTimeout = busy,
            Synchronous = synchronous switch
            {
                "full" => SqliteSynchronous.Full,
                "normal" => SqliteSynchronous.Normal,
                _ => throw new HoconException(sqlite.GetValue("synchronous").Position, $"sqlite.synchronous '{synchronous}' is not full or normal"),
            },
        };
    }

    private static PostgreSqlStoreSettings PostgreSql(HoconConfig pg)
    {
        string schema = At(pg, c => c.GetString("schema"));
        if (!SchemaName().IsMatch(schema))
            throw new HoconException(pg.GetValue("schema").Position,
                $"postgresql.schema '{schema}' must be lower-case letters, digits and underscores, starting with a letter or underscore (at most 63 characters)");
        string given = At(pg, c => c.GetString("connection-string"));
        if (given.Length > 0)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(given);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
            {
                throw new HoconException(pg.GetValue("connection-string").Position, $"invalid postgresql.connection-string: {e.Message}");
            }
            return new PostgreSqlStoreSettings { ConnectionString = given, Schema = schema };
        }
        int port = Range(pg, "port", At(pg, c => c.GetInt("port")), 1, 65535);
        string host = At(pg, c => c.GetString("host")), database = At(pg, c => c.GetString("database"));
        string user = At(pg, c => c.GetString("user")), password = At(pg, c => c.GetString("password"));
        try
        {
            var builder = new NpgsqlConnectionStringBuilder { Host = host, Port = port, Database = database, Username = user };
            if (password.Length > 0) builder.Password = password;
            return new PostgreSqlStoreSettings { ConnectionString = builder.ConnectionString, Schema = schema };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new HoconException(OwnPosition(pg), $"invalid postgresql settings: {e.Message}");
        }
    }

    private static JournalTuning Journal(HoconConfig j) => new()
    {
        BatchSize = Range(j, "batch-size", At(j, c => c.GetInt("batch-size")), 1, 100_000),
        Parallelism = Range(j, "parallelism", At(j, c => c.GetInt("parallelism")), 1, 64),
        BufferSize = Range(j, "buffer-size", At(j, c => c.GetInt("buffer-size")), 1, 10_000_000),
        ReplayBatchSize = Range(j, "replay-batch-size", At(j, c => c.GetInt("replay-batch-size")), 1, 1_000_000),
        MaxConcurrentRecoveries = Range(j, "max-concurrent-recoveries", At(j, c => c.GetInt("max-concurrent-recoveries")), 1, 100_000),
    };

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
