namespace Virtsim.Simulation.Persistence;

/// <summary>What a persistent actor asked of the simulation's store (for fault injection).</summary>
public enum StoreOperation
{
    /// <summary>Appending events.</summary>
    Write,
    /// <summary>Reading events back during recovery.</summary>
    Replay,
    /// <summary>Deleting events up to a sequence number.</summary>
    DeleteEvents,
    /// <summary>Saving a snapshot.</summary>
    SaveSnapshot,
    /// <summary>Loading the latest snapshot during recovery.</summary>
    LoadSnapshot,
    /// <summary>Deleting snapshots.</summary>
    DeleteSnapshots,
}
