using Akka.Actor;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Messages.Migration;

/// <summary>To a host: hand over what a migration of VM <paramref name="Vm"/> needs (<see cref="VmHandle"/>), or <see cref="VmMissing"/>.</summary>
/// <param name="Vm">The VM's name on this host.</param>
public sealed record GetVm(string Vm);

/// <summary>A host's VM as a migration sees it: its plan, memory, devices and guest.</summary>
/// <param name="Vm">The VM's name.</param>
/// <param name="Plan">The VM and its devices.</param>
/// <param name="Memory">Its memory on the source (the migration reads it and collects its dirty log).</param>
/// <param name="Endpoints">Its devices by name.</param>
/// <param name="Guest">Its VM actor.</param>
public sealed record VmHandle(string Vm, VmPlan Plan, VmMemory Memory, IReadOnlyDictionary<string, IActorRef> Endpoints, IActorRef Guest);

/// <summary>The host has no such VM (any more), or is down.</summary>
/// <param name="Vm">The VM's name.</param>
/// <param name="Reason">Why.</param>
public sealed record VmMissing(string Vm, string Reason);

/// <summary>
/// To a migration's destination host: set the VM up (IOMMU domain, DMA view of <paramref name="Memory"/>) and build
/// its devices as <paramref name="Plan"/> says, each restoring its migration snapshot and answering
/// <see cref="DeviceAdopted"/> to <paramref name="Migration"/>. The host answers <see cref="VmAdopting"/> (or
/// <see cref="VmMissing"/> when it is down).
/// </summary>
/// <param name="Plan">The VM with the destination's device implementations.</param>
/// <param name="Memory">The VM's memory as it arrives here.</param>
/// <param name="Guest">Its VM actor.</param>
/// <param name="Migration">The migration.</param>
/// <param name="Offers">Per device, the features the mediation layer presents (the source's offer).</param>
/// <param name="Refusals">Devices whose state the destination refuses (scenario faults), with the reason.</param>
/// <param name="NamePrefix">Prefix of the devices' actor names here (a VM of the same name may live here already).</param>
public sealed record AdoptVm(VmPlan Plan, VmMemory Memory, IActorRef Guest, IActorRef Migration, IReadOnlyDictionary<string, FeatureSet> Offers,
    IReadOnlyDictionary<string, string> Refusals, string NamePrefix);

/// <summary>The destination host built the VM's devices (which answer for themselves).</summary>
/// <param name="Vm">The VM's name.</param>
/// <param name="Endpoints">Its devices here by name.</param>
public sealed record VmAdopting(string Vm, IReadOnlyDictionary<string, IActorRef> Endpoints);

/// <summary>To the destination host after the switchover: resume the VM's devices and announce its net devices to the switch.</summary>
/// <param name="Vm">The VM's name.</param>
public sealed record ResumeVm(string Vm);

/// <summary>To a host: the VM no longer runs here (the source after a switchover, the destination after a rollback): its devices go.</summary>
/// <param name="Vm">The VM's name.</param>
public sealed record ReleaseVm(string Vm);

/// <summary>To a host: it crashes. Its devices and backends stop and it takes no VM any more (the migrations decide what the VMs lose).</summary>
public sealed class CrashHost
{
    /// <summary>The only instance.</summary>
    public static CrashHost Instance { get; } = new();

    private CrashHost() { }
}

/// <summary>
/// To a source net backend after the switchover: frames for its device are lost by migration from now on (or, for a
/// device switch on the same host, go to <paramref name="Successor"/>); it then releases the device.
/// </summary>
/// <param name="Device">The device's endpoint, told <see cref="ReleaseDevice"/> (or <see cref="HandOverDevice"/>) after every frame already forwarded to it.</param>
/// <param name="Successor">A device switch's new implementation of the device, or null for a migration.</param>
public sealed record DetachForMigration(IActorRef Device, IActorRef? Successor = null);

/// <summary>
/// To a VM's host, for a device switch: build <paramref name="Plan"/> (the device on its new implementation) beside the
/// running one as actor <paramref name="Name"/>, restoring the migration snapshot and answering
/// <see cref="DeviceAdopted"/> to <paramref name="Migration"/>; the VM's other devices are not touched. The host
/// answers <see cref="VmAdopting"/> with the new endpoint (or <see cref="VmMissing"/>).
/// </summary>
/// <param name="Vm">The VM's key on the host.</param>
/// <param name="Plan">The device with its new implementation.</param>
/// <param name="Migration">The switch.</param>
/// <param name="Offer">The features the mediation layer presents (the old implementation's offer).</param>
/// <param name="Refusal">A scenario fault: the new implementation refuses the state with this reason.</param>
/// <param name="Name">The new endpoint's actor name.</param>
public sealed record AdoptDevice(string Vm, DevicePlan Plan, IActorRef Migration, FeatureSet Offer, string? Refusal, string Name);

/// <summary>To the host after a device switch's switchover: the new implementation of <paramref name="Device"/> serves (its net device announces itself), the old one goes.</summary>
/// <param name="Vm">The VM's key on the host.</param>
/// <param name="Device">The switched device's name.</param>
public sealed record CommitDeviceSwitch(string Vm, string Device);

/// <summary>To the host when a device switch rolls back: the new implementation of <paramref name="Device"/> goes; the old one resumes.</summary>
/// <param name="Vm">The VM's key on the host.</param>
/// <param name="Device">The switched device's name.</param>
public sealed record CancelDeviceSwitch(string Vm, string Device);

/// <summary>To the migration coordinator: host <paramref name="Host"/> crashes now, as a scenario's <c>host-crash</c> fault would make it.</summary>
/// <param name="Host">The host.</param>
public sealed record InjectHostCrash(string Host);
