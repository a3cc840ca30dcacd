namespace Virtsim.Fleet.World;

/// <summary>The faults a scenario file can schedule (<c>faults = [ { at, kind, device } ]</c>).</summary>
public enum ScheduledFaultKind : byte
{
    /// <summary>
    /// <c>backend-crash</c>: the device's backend actor crashes and is restarted by its supervisor (a blk backend by its
    /// device actor, a net backend by its host); a net backend's held frames are lost and reported.
    /// </summary>
    BackendCrash,
    /// <summary>
    /// <c>device-crash</c>: the device's actor (the device model, its queues, a blk device's backend child) crashes and is
    /// restarted by its host; it comes back from its journal, so the scenario runs with persistence. A net device loses
    /// the frames it held (reported to their workloads).
    /// </summary>
    DeviceCrash,
}
