namespace Virtsim.Persistence.Configuration;

/// <summary>
/// An opened journal and snapshot store (and the database behind them). Disposing flushes the group commit and
/// closes the database.
/// </summary>
public sealed class PersistenceStores : IAsyncDisposable
{
    private readonly IAsyncDisposable[] _owned;

    internal PersistenceStores(PersistencePlugin plugin, IJournal journal, ISnapshotStore snapshots, params IAsyncDisposable[] owned)
    {
        Plugin = plugin;
        Journal = journal;
        Snapshots = snapshots;
        _owned = owned;
    }

    /// <summary>The store kind these came from.</summary>
    public PersistencePlugin Plugin { get; }

    /// <summary>The event journal (a <see cref="BatchingJournal"/> over the store's when batching is enabled).</summary>
    public IJournal Journal { get; }

    /// <summary>The snapshot store.</summary>
    public ISnapshotStore Snapshots { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // In order: the batching journal first (it may still write), then the database.
        foreach (var owned in _owned) await owned.DisposeAsync().ConfigureAwait(false);
    }
}
