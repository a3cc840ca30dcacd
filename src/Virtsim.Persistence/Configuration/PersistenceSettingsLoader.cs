using Npgsql;
using Virtsim.Hocon;
using Virtsim.Persistence.PostgreSql;
using static Virtsim.Hocon.HoconSettings;

namespace Virtsim.Persistence.Configuration;

/// <summary>
/// Reads <c>virtsim.persistence</c> from a configuration into <see cref="PersistenceSettings"/>, falling back on
/// this assembly's reference.conf for every setting left out. Every problem is a <see cref="HoconException"/>
/// with a position.
/// </summary>
public static class PersistenceSettingsLoader
{
    /// <summary>The settings of <paramref name="config"/> (a whole node configuration; only <c>virtsim.persistence</c> is read).</summary>
    /// <exception cref="HoconException">A setting is missing, of the wrong type or out of range.</exception>
    public static PersistenceSettings FromConfig(HoconConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var all = config.WithFallback(PersistenceReference.Config);
        var p = At(all, c => c.GetConfig("virtsim.persistence"));
        var pluginText = At(p, c => c.GetString("plugin"));
        var plugin = pluginText switch
        {
            "memory" => PersistencePlugin.Memory,
            "sqlite" => PersistencePlugin.Sqlite,
            "postgresql" => PersistencePlugin.PostgreSql,
            _ => throw new HoconException(p.GetValue("plugin").Position, $"unknown persistence plugin '{pluginText}' (memory, sqlite or postgresql)"),
        };
        var sqlite = At(p, c => c.GetConfig("sqlite"));
        string path = At(sqlite, c => c.GetString("path"));
        if (path.Length == 0 || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw new HoconException(sqlite.GetValue("path").Position, $"sqlite.path '{path}' is not a file path");
        var busy = At(sqlite, c => c.GetDuration("busy-timeout"));
        if (busy < TimeSpan.FromMilliseconds(1) || busy > TimeSpan.FromHours(1))
            throw new HoconException(sqlite.GetValue("busy-timeout").Position, $"sqlite.busy-timeout {busy} is out of range (1ms..1h)");
        var batching = At(p, c => c.GetConfig("batching"));
        return new PersistenceSettings
        {
            Plugin = plugin,
            SqlitePath = path,
            SqliteBusyTimeout = busy,
            PostgreSql = PostgreSql(At(p, c => c.GetConfig("postgresql"))),
            Batching = At(batching, c => c.GetBool("enabled")),
            BatchingOptions = new BatchingJournalOptions
            {
                MaxRequestsPerBatch = AtLeast(batching, "max-requests-per-batch", At(batching, c => c.GetInt("max-requests-per-batch")), 1),
                MaxEventsPerBatch = AtLeast(batching, "max-events-per-batch", At(batching, c => c.GetInt("max-events-per-batch")), 1),
            },
        };
    }

    private static PostgreSqlStoreOptions PostgreSql(HoconConfig pg)
    {
        string schema = At(pg, c => c.GetString("schema"));
        try
        {
            _ = PostgreSqlSchema.Quote(schema);
        }
        catch (ArgumentException e)
        {
            throw new HoconException(pg.GetValue("schema").Position, e.Message);
        }
        string given = At(pg, c => c.GetString("connection-string"));
        if (given.Length > 0)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(given);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
            {
                throw new HoconException(pg.GetValue("connection-string").Position, $"invalid connection-string: {e.Message}");
            }
            return new PostgreSqlStoreOptions { ConnectionString = given, Schema = schema };
        }
        int port = Range(pg, "port", At(pg, c => c.GetInt("port")), 1, 65535);
        string host = At(pg, c => c.GetString("host")), database = At(pg, c => c.GetString("database"));
        string user = At(pg, c => c.GetString("user")), password = At(pg, c => c.GetString("password"));
        try
        {
            var builder = new NpgsqlConnectionStringBuilder { Host = host, Port = port, Database = database, Username = user };
            if (password.Length > 0) builder.Password = password;
            return new PostgreSqlStoreOptions { ConnectionString = builder.ConnectionString, Schema = schema };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new HoconException(pg.Root.Position, $"invalid postgresql settings: {e.Message}");
        }
    }
}
