namespace Virtsim.Fleet.World;

/// <summary>A fault a scenario schedules at a point of virtual time.</summary>
/// <param name="At">When, from the start of the run (virtual time).</param>
/// <param name="Kind">What.</param>
/// <param name="Device">The target device as "host/vm/device".</param>
public sealed record FaultSpec(TimeSpan At, ScheduledFaultKind Kind, string Device);
