using Microsoft.Data.Sqlite;

namespace Virtsim.Persistence.Sqlite;

/// <summary>
/// One SQLite database file holding the journal and snapshot tables: opens it in WAL mode, creates or upgrades
/// the schema, and serializes writers of this process on one connection.
/// </summary>
/// <remarks>
/// Durability: <c>journal_mode=WAL</c> with <c>synchronous=FULL</c>, so a committed transaction has been fsynced
/// to the WAL before the call returns, and survives power loss, not only a process crash (NORMAL would only
/// survive the latter). The cost of the fsync per commit is what <see cref="BatchingJournal"/> amortizes.
/// Other processes may open the same file: every write transaction is <c>BEGIN IMMEDIATE</c>, so the
/// check-then-write of an append is atomic across processes too (with a busy timeout).
/// </remarks>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly SqliteConnection _writer;
    private readonly int _busyMilliseconds;
    private bool _disposed;

    private SqliteDatabase(string path, string connectionString, SqliteConnection writer, int schemaVersion, int busyMilliseconds)
    {
        Path = path;
        ConnectionString = connectionString;
        _writer = writer;
        SchemaVersion = schemaVersion;
        _busyMilliseconds = busyMilliseconds;
    }

    /// <summary>How long a call waits by default for a lock another process holds on the file: 30 s.</summary>
    public static TimeSpan DefaultBusyTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The schema version found or reached when opening.</summary>
    public int SchemaVersion { get; }

    internal string ConnectionString { get; }

    internal SemaphoreSlim WriteLock { get; } = new(1, 1);

    internal SqliteConnection Writer => _writer;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/> and migrates its schema.</summary>
    public static Task<SqliteDatabase> OpenAsync(string path, CancellationToken cancellationToken = default) =>
        OpenAsync(path, DefaultBusyTimeout, cancellationToken);

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="path"/> and migrates its schema; a call that finds
    /// the file locked by another process waits up to <paramref name="busyTimeout"/>, then fails with SQLITE_BUSY.
    /// </summary>
    public static Task<SqliteDatabase> OpenAsync(string path, TimeSpan busyTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeout, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(busyTimeout, TimeSpan.FromHours(1));
        int busy = (int)busyTimeout.TotalMilliseconds;
        _ = Initialized.Value;
        cancellationToken.ThrowIfCancellationRequested();
        string cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (busy + 999) / 1000),
        }.ToString();
        var writer = new SqliteConnection(cs);
        try
        {
            writer.Open();
            Execute(writer, "PRAGMA journal_mode=WAL;");
            Execute(writer, "PRAGMA synchronous=FULL;");
            Execute(writer, $"PRAGMA busy_timeout={busy};");
            int version = Migrate(writer);
            return Task.FromResult(new SqliteDatabase(path, cs, writer, version, busy));
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection for reading (WAL lets readers run beside the writer).</summary>
    internal SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(ConnectionString);
        c.Open();
        Execute(c, $"PRAGMA busy_timeout={_busyMilliseconds};");
        return c;
    }

    /// <summary>Runs <paramref name="work"/> in a <c>BEGIN IMMEDIATE</c> transaction on the writer connection.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using SqliteTransaction tx = _writer.BeginTransaction(deferred: false);
            T result = work(_writer, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await WriteLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            SqliteConnection.ClearPool(_writer);
            _writer.Dispose();
        }
        finally
        {
            WriteLock.Release();
        }
    }

    private static int Migrate(SqliteConnection c)
    {
        using SqliteTransaction tx = c.BeginTransaction(deferred: false);
        Execute(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL);", tx);
        using var read = new SqliteCommand("SELECT coalesce(max(version), 0) FROM schema_version;", c, tx);
        int current = Convert.ToInt32(read.ExecuteScalar());
        foreach (Migration m in SqliteSchema.Migrations)
        {
            if (m.Version <= current)
            {
                continue;
            }

            Execute(c, m.Sql, tx);
            using var record = new SqliteCommand("INSERT INTO schema_version (version, description) VALUES ($v, $d);", c, tx);
            record.Parameters.AddWithValue("$v", m.Version);
            record.Parameters.AddWithValue("$d", m.Description);
            record.ExecuteNonQuery();
            current = m.Version;
        }

        tx.Commit();
        return current;
    }

    private static void Execute(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = new SqliteCommand(sql, c, tx);
        cmd.ExecuteNonQuery();
    }
}
