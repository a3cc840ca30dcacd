using System.Data.Common;
using LinqToDB.Interceptors;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// Prepares every SQLite connection Akka.Persistence.Sql opens (through linq2db): the flushing of
/// <see cref="SqliteSynchronous"/> and a busy timeout, both per-connection settings that no connection string of
/// Microsoft.Data.Sqlite can carry; and it moves the work of the connection off the caller's thread.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite does its I/O synchronously, even behind its async methods. Akka.Persistence.Sql writes
/// from inside its batching stream, so a commit (and its fsync) would run on the stream's own thread: the stream
/// could not gather the writes that arrive meanwhile, and every transaction would carry a single actor's write.
/// Yielding when the connection opens hands the transaction to the thread pool, so the next batch fills while this
/// one commits. The busy timeout lets SQLite wait for the lock itself (the snapshot store writes beside the
/// journal) instead of Microsoft.Data.Sqlite's retry loop, which sleeps 150 ms a turn.
/// </remarks>
internal sealed class SqliteConnectionSetup : ConnectionInterceptor
{
    private readonly string _pragmas;

    /// <summary>Creates the setup for <paramref name="synchronous"/> and a busy timeout of <paramref name="busyTimeout"/>.</summary>
    public SqliteConnectionSetup(SqliteSynchronous synchronous, TimeSpan busyTimeout)
    {
        Synchronous = synchronous;
        string flush = synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL";
        _pragmas = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = {flush}; PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
    }

    /// <summary>The flushing set on every connection.</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <inheritdoc />
    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection) => Apply(connection);

    /// <inheritdoc />
    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Apply(connection);
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }
}
