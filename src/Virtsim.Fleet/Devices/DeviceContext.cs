using Akka.Actor;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// One device's state: the core's device model (registers, status, queues) and device type, with what its queues
/// need. The transport endpoint actor owns it and its <see cref="DeviceQueue"/>s; no other actor ever sees it, so
/// it needs no locking under either dispatcher.
/// </summary>
public sealed class DeviceContext
{
    /// <summary>Creates the context.</summary>
    public DeviceContext(VirtioDeviceModel model, VendorProfile profile, IActorRef host, uint pasid, FleetMetrics metrics, FrameUplink? uplink,
        IGuestMemoryAccess? access = null)
    {
        Access = access ?? LocalGuestMemoryAccess.Instance;
        Model = model;
        Profile = profile;
        Host = host;
        Pasid = pasid;
        Metrics = metrics;
        Uplink = uplink;
    }

    /// <summary>The core's device model.</summary>
    public VirtioDeviceModel Model { get; }

    /// <summary>The device type.</summary>
    public IDeviceHandler Handler => Model.Handler;

    /// <summary>The net device, or null.</summary>
    public NetDevice? Net => Model.Handler as NetDevice;

    /// <summary>The implementation's profile.</summary>
    public VendorProfile Profile { get; }

    /// <summary>The host whose IOMMU the device's DMA goes through.</summary>
    public IActorRef Host { get; }

    /// <summary>The device's IOMMU domain.</summary>
    public uint Pasid { get; }

    /// <summary>The run's counters.</summary>
    public FleetMetrics Metrics { get; }

    /// <summary>How the queues reach guest memory: the VM's own (local) or by DMA messages from another node.</summary>
    public IGuestMemoryAccess Access { get; }

    /// <summary>
    /// A device on another node: the queue whose pass holds the device's memory view now (fetching, serving or waiting
    /// for its writes), or -1. One pass at a time, as one DMA engine: a pass that starts drops what another fetched.
    /// </summary>
    public int RemotePassQueue { get; set; } = -1;

    /// <summary>Queues that wanted to start a pass while another held the memory view; resumed when it ends.</summary>
    public HashSet<int> RemotePassWaiters { get; } = [];

    /// <summary>net: where transmitted frames go.</summary>
    public FrameUplink? Uplink { get; }

    /// <summary>
    /// True while a live migration holds the device stopped (its queues serve nothing, as after vhost-user's
    /// GET_VRING_BASE or a VF's admin-queue stop), or while it waits at the destination for the switchover.
    /// </summary>
    public bool Stopped { get; set; }

    /// <summary>True for a device that arrived by migration and restored its source's state (its requests are counted apart).</summary>
    public bool Arrived { get; set; }

    /// <summary>True while a migration relays the device's rings through a shadow virtqueue (a per-request cost).</summary>
    public bool ShadowVirtqueue { get; set; }

    /// <summary>True when NOTIFICATION_DATA was negotiated.</summary>
    public bool NotificationData => Model.NegotiatedFeatures.Has(FeatureBit.NotificationData);

    /// <summary>
    /// The device queue of <paramref name="index"/> when the device may serve it now (DRIVER_OK, no NEEDS_RESET or
    /// FAILED, queue enabled), as <see cref="VirtioDeviceModel.Notify"/> checks.
    /// </summary>
    public bool TryGetServable(int index, out IDeviceQueue queue)
    {
        queue = null!;
        if (Stopped) return false;
        var status = Model.Status;
        if (!status.Has(DeviceStatus.DriverOk) || (status & (DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed | DeviceStatus.Suspend)) != 0)
            return false;
        if ((uint)index >= (uint)Model.QueueCount) return false;
        var registers = Model.Queues[index];
        if (!registers.Enabled || registers.Queue is null) return false;
        queue = registers.Queue;
        return true;
    }
}
