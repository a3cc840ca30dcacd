using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.World;

/// <summary>
/// The actors a node builds for devices and backends a scenario places on it, away from their VM's host: the same
/// <see cref="TransportEndpointActor"/> and backend actors as the host would build, with the device's memory view a
/// <see cref="RemoteGuestMemory"/> (guest memory reached only by DMA messages to the host) and a blk backend under a
/// <see cref="PlacedBackendActor"/>.
/// </summary>
public static class PlacedActors
{
    /// <summary>
    /// The props of the endpoint of <paramref name="plan"/> (a device of <paramref name="vm"/>) on a node other than its
    /// host's. Its DMA goes to <paramref name="host"/>; a net device's frames to <paramref name="netBackend"/> (the
    /// backend its host built); a blk device's requests to <paramref name="remoteBackend"/>, or to a backend child
    /// over <paramref name="plan"/>'s disk when that is null. A device arriving by migration (<paramref name="incoming"/>)
    /// recovers the migration snapshot from its journal, offers <paramref name="offer"/> (null: its own), and serves after
    /// the switchover, as one its destination host builds.
    /// </summary>
    public static Props Endpoint(DevicePlan plan, VmPlan vm, IActorRef host, IActorRef? netBackend, IActorRef? remoteBackend, FleetMetrics metrics,
        FleetPersistence? persistence, IncomingMigration? incoming = null, FeatureSet? offer = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(vm);
        var domain = new IommuDomain(vm.Pasid);
        domain.Map(0, 0, vm.Spec.MemoryBytes, IommuPermissions.ReadWrite);
        var memory = new RemoteGuestMemory(vm.Spec.MemoryBytes, domain, metrics);
        // Frames the device loses are reported to their workloads on the world's node, whose top-level actors the hosts are.
        var uplink = plan.Spec.Kind == DeviceKind.Net ? new FrameUplink(netBackend, netBackend is not null, new FrameLoss(plan, host.Path.Parent)) : null;
        var handler = DeviceFactory.Create(plan, uplink, offer);
        var backend = plan.Spec.Kind != DeviceKind.Blk || remoteBackend is not null ? null : BackendProps(plan, metrics, persistence);
        var spec = plan.Spec;
        string path = plan.Path;
        var health = plan.Health;
        uint pasid = vm.Pasid;
        return Props.Create(() => new TransportEndpointActor(spec.Transport, handler, memory.Memory, spec.Profile, host, pasid, metrics, uplink,
            backend, persistence, path, health, incoming, null, memory, remoteBackend));
    }

    /// <summary>The props of the blk backend of <paramref name="plan"/> placed apart from its device (under a <see cref="PlacedBackendActor"/>).</summary>
    public static Props Backend(DevicePlan plan, FleetMetrics metrics, FleetPersistence? persistence)
    {
        var inner = BackendProps(plan, metrics, persistence);
        return Props.Create(() => new PlacedBackendActor(inner));
    }

    private static Props BackendProps(DevicePlan plan, FleetMetrics metrics, FleetPersistence? persistence)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var disk = plan.Store ?? throw new ArgumentException($"{plan.Path} has no disk", nameof(plan));
        return persistence is null ? BackendActor.For(plan, disk, metrics) : PersistentBackendActor.For(plan, disk, metrics, persistence);
    }

    /// <summary>The checksums of <paramref name="blocks"/> of <paramref name="plan"/>'s disk <paramref name="disk"/> as the run's report checks them (0 for a block it cannot read).</summary>
    public static ulong[] BlockChecksums(DevicePlan plan, MemoryBlockStore disk, IReadOnlyList<long> blocks)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(blocks);
        int sectors = Workloads.BlkWorkloadActor.SectorsPerBlock(plan.Spec);
        var data = new byte[sectors * 512];
        var sums = new ulong[blocks.Count];
        for (int i = 0; i < blocks.Count; i++)
            sums[i] = disk.TryRead((ulong)(blocks[i] * sectors), data) ? Workloads.Checksum.Of(data) : 0;
        return sums;
    }
}
