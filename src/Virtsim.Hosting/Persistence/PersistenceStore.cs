using Microsoft.Data.Sqlite;
using Npgsql;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// Checks and prepares the configured store before the actor system starts, so that a wrong path or an unreachable
/// server is one clear <see cref="PersistenceStoreException"/> rather than a journal failing later: creates the
/// SQLite file's folder and puts the file in write-ahead-log mode, or connects to PostgreSQL and creates the schema.
/// The tables themselves are created by Akka.Persistence.Sql when it starts (<c>auto-initialize</c>).
/// </summary>
public static class PersistenceStore
{
    private static readonly Lazy<bool> SqliteInitialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    /// <summary>Prepares the store of <paramref name="settings"/> (nothing to do for the in-memory store).</summary>
    /// <exception cref="PersistenceStoreException">The store cannot be used; the message names the file or server.</exception>
    public static Task PrepareAsync(PersistenceSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Plugin switch
        {
            PersistencePlugin.Memory => Task.CompletedTask,
            PersistencePlugin.Sqlite => Task.Run(() => PrepareSqlite(settings.Sqlite), cancellationToken),
            PersistencePlugin.PostgreSql => PreparePostgreSqlAsync(settings.PostgreSql, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Plugin, "unknown persistence plugin"),
        };
    }

    private static void PrepareSqlite(SqliteStoreSettings sqlite)
    {
        _ = SqliteInitialized.Value;
        string path = sqlite.FullPath;
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PersistenceStoreException(PersistencePlugin.Sqlite, $"cannot create the folder of the SQLite database {path}: {e.Message}", e);
            }
        }
        try
        {
            using var connection = new SqliteConnection(AkkaPersistenceConfig.SqliteConnectionString(sqlite));
            connection.Open();
            // The journal mode is kept in the file: every connection Akka.Persistence.Sql opens later finds it.
            string mode = Scalar(connection, "PRAGMA journal_mode=WAL;");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new PersistenceStoreException(PersistencePlugin.Sqlite, $"the SQLite database {path} cannot use a write-ahead log (journal mode stays '{mode}')");
            // A write transaction proves the file (and the log beside it) can be written.
            using var tx = connection.BeginTransaction(deferred: false);
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new PersistenceStoreException(PersistencePlugin.Sqlite, $"cannot open the SQLite database {path}: {e.Message}", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task PreparePostgreSqlAsync(PostgreSqlStoreSettings pg, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(pg.ConnectionString);
        string server = $"{builder.Host}:{builder.Port} (database {builder.Database}, user {builder.Username})";
        await using var connection = new NpgsqlConnection(pg.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw new PersistenceStoreException(PersistencePlugin.PostgreSql, $"cannot reach PostgreSQL at {server}: {Flatten(e)}", e);
        }
        try
        {
            // The name is checked by the settings loader (lower-case letters, digits, underscores), so quoting is enough.
            await using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{pg.Schema}\";", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new PersistenceStoreException(PersistencePlugin.PostgreSql, $"cannot create schema {pg.Schema} on PostgreSQL at {server}: {Flatten(e)}", e);
        }
    }

    // Npgsql wraps a socket error in a general message; the user needs both on one line.
    private static string Flatten(Exception e)
    {
        string text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += " (" + inner.Message + ")";
        return text.ReplaceLineEndings(" ");
    }
}
