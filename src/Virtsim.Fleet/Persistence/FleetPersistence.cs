using Virtsim.Actors.Persistence;
using Virtsim.Persistence;
using Virtsim.Persistence.Memory;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// The persistence of a world: where device and backend actors journal their state, with which settings, and under
/// which prefix (so one store can hold several runs without one recovering another's state). A world built without
/// one keeps nothing and behaves exactly as before persistence existed.
/// </summary>
/// <param name="Journal">The event journal.</param>
/// <param name="Snapshots">The snapshot store.</param>
/// <param name="Options">The persistent actors' settings (snapshot every N events, deletion, recovery batches, latency).</param>
/// <param name="IdPrefix">Prepended to every persistence id, e.g. a run id followed by '/'; empty by default.</param>
public sealed record FleetPersistence(IJournal Journal, ISnapshotStore Snapshots, PersistentActorOptions? Options = null, string IdPrefix = "")
{
    /// <summary>An in-memory journal and snapshot store (tests, scenarios without a configured store).</summary>
    public static FleetPersistence InMemory(PersistentActorOptions? options = null, string idPrefix = "") =>
        new(new MemoryJournal(), new MemorySnapshotStore(), options, idPrefix);

    /// <summary>The persistence id of the device actor at <paramref name="path"/> ("host/vm/device").</summary>
    public string DeviceId(string path) => $"{IdPrefix}device/{path}";

    /// <summary>The persistence id of the backend (disk) of the blk device at <paramref name="path"/>.</summary>
    public string BackendId(string path) => $"{IdPrefix}backend/{path}";

    /// <summary>The setup a persistent actor of this world writes with.</summary>
    public PersistenceSetup Setup() => new(Journal, Snapshots, 0, Options);
}
