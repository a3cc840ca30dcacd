namespace Virtsim.Fleet.World;

/// <summary>A fault a scenario schedules at a point of virtual time.</summary>
/// <param name="At">When, from the start of the run (virtual time).</param>
/// <param name="Kind">What.</param>
/// <param name="Device">The target device as "host/vm/device" (empty for a host's fault).</param>
/// <param name="Host">The target host of a <see cref="ScheduledFaultKind.HostCrash"/> or <see cref="ScheduledFaultKind.LinkFailure"/>, else null.</param>
/// <param name="Duration">How long a link failure lasts (<see cref="TimeSpan.Zero"/>: for good).</param>
/// <param name="Queue">The queue a <see cref="ScheduledFaultKind.CorruptMemory"/> fault corrupts.</param>
/// <param name="Corruption">What a <see cref="ScheduledFaultKind.CorruptMemory"/> fault corrupts.</param>
/// <param name="Until">
/// A <see cref="ScheduledFaultKind.CorruptMemory"/> fault with a window: it corrupts at each of the device's passes from
/// <paramref name="At"/> until this time (<see cref="TimeSpan.MaxValue"/>: the whole run) with
/// <paramref name="Probability"/>; null: once, at the first pass after <paramref name="At"/>.
/// </param>
/// <param name="Probability">The chance per pass of a windowed corruption.</param>
public sealed record FaultSpec(TimeSpan At, ScheduledFaultKind Kind, string Device, string? Host = null, TimeSpan Duration = default,
    ushort Queue = 0, Messages.Faults.FaultKind Corruption = Messages.Faults.FaultKind.CorruptNextDescriptor, TimeSpan? Until = null,
    double Probability = 1);
