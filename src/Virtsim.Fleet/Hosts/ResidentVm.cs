using Akka.Actor;

namespace Virtsim.Fleet.Hosts;

/// <summary>A VM as a host keeps it: its plan, its memory here, its devices' endpoints and net backends, and its guest (VM actor).</summary>
/// <param name="Plan">The VM and its devices (with the implementations they have on this host).</param>
/// <param name="Memory">Its memory on this host.</param>
public sealed record ResidentVm(VmPlan Plan, VmMemory Memory)
{
    /// <summary>The VM's key on this host: its name, or, for a VM that arrived by migration, its name with the source's prefix.</summary>
    public string Key { get; init; } = Plan.Spec.Name;

    /// <summary>The device endpoints by device name.</summary>
    public Dictionary<string, IActorRef> Endpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>The cabled net devices' backends by device name.</summary>
    public Dictionary<string, IActorRef> NetBackends { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The guest's VM actor (drivers and applications). A migrated VM's guest actors stay where the VM was built (their
    /// paths do not move); this host only runs its memory and devices.
    /// </summary>
    public IActorRef? Guest { get; set; }
}
