namespace Virtsim.Fleet.Persistence;

/// <summary>
/// The persistence of a world: that devices and blk backends journal their state, under which persistence-id prefix
/// (so one store holds several runs without one recovering another's state), and how often they snapshot. Where
/// the events go is the actor system's journal (Akka.Persistence): the simulator's own store under simulation,
/// Akka.Persistence.Sql on SQLite or PostgreSQL in real time. A world built without one keeps nothing.
/// </summary>
/// <param name="IdPrefix">Prepended to every persistence id, e.g. a run id followed by '/'; empty by default.</param>
/// <param name="SnapshotEvery">Snapshot each time an actor's sequence number reaches a multiple of this; 0: never.</param>
/// <param name="DeleteAfterSnapshot">After a snapshot at sequence number N, delete the events up to N and older snapshots.</param>
public sealed record FleetPersistence(string IdPrefix = "", int SnapshotEvery = 0, bool DeleteAfterSnapshot = false)
{
    /// <summary>Persistence with no prefix, no snapshots.</summary>
    public static FleetPersistence Default { get; } = new();

    /// <summary>The persistence id of the device actor at <paramref name="path"/> ("host/vm/device").</summary>
    public string DeviceId(string path) => $"{IdPrefix}device/{path}";

    /// <summary>The persistence id of the backend (disk) of the blk device at <paramref name="path"/>.</summary>
    public string BackendId(string path) => $"{IdPrefix}backend/{path}";
}
