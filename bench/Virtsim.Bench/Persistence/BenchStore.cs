using Virtsim.Persistence;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Bench.Persistence;

/// <summary>
/// A journal for a benchmark: SQLite on a temporary file, or PostgreSQL on a throwaway local server
/// (<see cref="PostgresTestCluster"/>), both with their durable defaults (fsync on commit).
/// </summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _close;

    private BenchStore(IJournal journal, Func<ValueTask> close)
    {
        Journal = journal;
        _close = close;
    }

    /// <summary>The journal.</summary>
    public IJournal Journal { get; }

    /// <summary>Opens the store called <paramref name="name"/> ("Sqlite" or "PostgreSql").</summary>
    public static async Task<BenchStore> OpenAsync(string name)
    {
        switch (name)
        {
            case "Sqlite":
            {
                string folder = Path.Combine(Path.GetTempPath(), "virtsim-bench-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(folder);
                SqliteDatabase db = await SqliteDatabase.OpenAsync(Path.Combine(folder, "bench.db"));
                return new BenchStore(new SqliteJournal(db), async () =>
                {
                    await db.DisposeAsync();
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(folder, recursive: true);
                });
            }

            case "PostgreSql":
            {
                PostgresTestCluster cluster = await PostgresTestCluster.StartAsync();
                PostgreSqlDatabase db = await PostgreSqlDatabase.OpenAsync(new PostgreSqlStoreOptions { ConnectionString = cluster.ConnectionString, Schema = "bench" });
                return new BenchStore(new PostgreSqlJournal(db), async () =>
                {
                    await db.DisposeAsync();
                    await cluster.DisposeAsync();
                });
            }

            default:
                throw new ArgumentException($"Unknown store '{name}'.", nameof(name));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _close();
}
