using Virtsim.Persistence;

namespace Virtsim.Persistence.Tests;

/// <summary>One store under test: its journal and snapshot store, plus the hooks the contract tests need.</summary>
public abstract class StoreHarness : IAsyncDisposable
{
    /// <summary>The journal of the currently open store.</summary>
    public abstract IJournal Journal { get; }

    /// <summary>The snapshot store of the currently open store.</summary>
    public abstract ISnapshotStore Snapshots { get; }

    /// <summary>The schema version after opening, or null for a store without schema.</summary>
    public abstract int? SchemaVersion { get; }

    /// <summary>The version a migrated schema must have.</summary>
    public abstract int? LatestSchemaVersion { get; }

    /// <summary>Closes the store (and for a server, crashes and restarts it) and opens it again over the same data.</summary>
    public abstract Task RestartAsync();

    /// <summary>Flips a bit of a stored event's payload behind the store's back.</summary>
    public abstract Task CorruptEventAsync(string persistenceId, long sequenceNr);

    /// <summary>Flips a bit of a stored snapshot's payload behind the store's back.</summary>
    public abstract Task CorruptSnapshotAsync(string persistenceId, long sequenceNr);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
