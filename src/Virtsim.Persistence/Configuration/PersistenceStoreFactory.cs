using Virtsim.Persistence.Memory;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Configuration;

/// <summary>Opens the journal and snapshot store that <see cref="PersistenceSettings"/> describe.</summary>
public static class PersistenceStoreFactory
{
    /// <summary>
    /// Opens the configured stores: in memory, the SQLite file (its folder created when missing) or the PostgreSQL
    /// schema (created and migrated when needed). With batching on, the journal is wrapped in a
    /// <see cref="BatchingJournal"/>.
    /// </summary>
    /// <exception cref="IOException">The SQLite folder cannot be created.</exception>
    /// <exception cref="Exception">The database cannot be opened (driver-specific exceptions).</exception>
    public static async Task<PersistenceStores> OpenAsync(PersistenceSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.Plugin)
        {
            case PersistencePlugin.Memory:
                return Wrap(settings, new MemoryJournal(), new MemorySnapshotStore());
            case PersistencePlugin.Sqlite:
            {
                string path = Path.GetFullPath(settings.SqlitePath);
                if (Path.GetDirectoryName(path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
                var db = await SqliteDatabase.OpenAsync(path, settings.SqliteBusyTimeout, cancellationToken).ConfigureAwait(false);
                return Wrap(settings, new SqliteJournal(db), new SqliteSnapshotStore(db), db);
            }
            case PersistencePlugin.PostgreSql:
            {
                var db = await PostgreSqlDatabase.OpenAsync(settings.PostgreSql, cancellationToken).ConfigureAwait(false);
                return Wrap(settings, new PostgreSqlJournal(db), new PostgreSqlSnapshotStore(db), db);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Plugin, "unknown persistence plugin");
        }
    }

    private static PersistenceStores Wrap(PersistenceSettings settings, IJournal journal, ISnapshotStore snapshots, IAsyncDisposable? database = null)
    {
        var owned = new List<IAsyncDisposable>();
        if (settings.Batching)
        {
            var batching = new BatchingJournal(journal, settings.BatchingOptions);
            owned.Add(batching);
            journal = batching;
        }
        if (database is not null) owned.Add(database);
        return new PersistenceStores(settings.Plugin, journal, snapshots, [.. owned]);
    }
}
