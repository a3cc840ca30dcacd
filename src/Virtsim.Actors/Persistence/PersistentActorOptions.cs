namespace Virtsim.Actors.Persistence;

/// <summary>
/// Settings of a persistent actor (see docs/actors.md, "Persistent actors", for the defaults as configuration keys).
/// </summary>
public sealed record PersistentActorOptions
{
    /// <summary>The defaults.</summary>
    public static PersistentActorOptions Default { get; } = new();

    /// <summary>
    /// Take a snapshot (of <see cref="PersistentActor.SnapshotState"/>) each time the sequence number crosses a
    /// multiple of this many events; 0 (the default) takes snapshots only on demand.
    /// </summary>
    public int SnapshotEvery { get; init; }

    /// <summary>
    /// After a snapshot at sequence number N is saved, delete the events up to N and the older snapshots
    /// (default false: keep everything until <see cref="PersistentActor.DeleteEventsUpTo"/> is called).
    /// </summary>
    public bool DeleteAfterSnapshot { get; init; }

    /// <summary>Events read per journal query during recovery (default 1000).</summary>
    public int RecoveryBatchSize { get; init; } = 1000;

    /// <summary>
    /// Under the simulation dispatcher, the virtual time every store call takes before its completion reaches the
    /// actor (default zero: the completion is the next message). Ignored by the threaded dispatcher, where the
    /// store's real latency applies.
    /// </summary>
    public TimeSpan SimulatedStoreLatency { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotEvery, nameof(SnapshotEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecoveryBatchSize, 1, nameof(RecoveryBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SimulatedStoreLatency, TimeSpan.Zero, nameof(SimulatedStoreLatency));
    }
}
