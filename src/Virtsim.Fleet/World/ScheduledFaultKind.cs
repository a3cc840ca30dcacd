namespace Virtsim.Fleet.World;

/// <summary>The faults a scenario file can schedule (<c>faults = [ { at, kind, device } ]</c>).</summary>
public enum ScheduledFaultKind : byte
{
    /// <summary><c>backend-crash</c>: the blk device's backend actor crashes and is restarted by its device actor.</summary>
    BackendCrash,
}
