using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

/// <summary>Where and as whom a persistent actor writes: the stores, its ownership epoch and its settings.</summary>
/// <param name="Journal">The event journal (memory, SQLite, PostgreSQL, possibly behind a <see cref="BatchingJournal"/>).</param>
/// <param name="Snapshots">The snapshot store.</param>
/// <param name="Epoch">
/// The ownership epoch this incarnation writes with (non-negative, unique per ownership, e.g. a counter bumped at
/// each failover). The actor claims it on start; an incarnation with a lower epoch is then refused by the journal
/// and stops. Restarts of the same actor reuse it.
/// </param>
/// <param name="Options">The settings; <see cref="PersistentActorOptions.Default"/> when null.</param>
public sealed record PersistenceSetup(IJournal Journal, ISnapshotStore Snapshots, long Epoch = 0, PersistentActorOptions? Options = null);
