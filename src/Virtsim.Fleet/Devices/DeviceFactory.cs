using Virtsim.Fleet.Backends;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;

namespace Virtsim.Fleet.Devices;

/// <summary>Builds the core device type for a device plan, with the vendor's feature offer.</summary>
public static class DeviceFactory
{
    /// <summary>
    /// The device handler for <paramref name="plan"/>; net devices transmit into <paramref name="uplink"/>. A blk
    /// device only sees its disk's capacity (<see cref="BackendStoreView"/>): its backend actor owns the disk.
    /// </summary>
    public static IDeviceHandler Create(DevicePlan plan, FrameUplink? uplink)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        var rings = profile.RingOffer(RequestDeviceBase.DefaultRingFeatures);
        return plan.Spec.Kind switch
        {
            DeviceKind.Blk => new BlkDevice(new BackendStoreView(plan.Store?.SectorCount ?? plan.Spec.DiskSectors), BlkOptions(plan)),
            _ => new NetDevice(uplink, new NetDeviceOptions { RingFeatures = rings, Mac = plan.Mac, QueueSize = profile.MaxQueueSize }),
        };
    }

    /// <summary>The blk device options of <paramref name="plan"/>: the device actor and its backend both build their core device with them.</summary>
    public static BlkDeviceOptions BlkOptions(DevicePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        return new BlkDeviceOptions
        {
            RingFeatures = profile.RingOffer(RequestDeviceBase.DefaultRingFeatures),
            QueueSize = profile.MaxQueueSize,
            InitialWriteback = plan.Spec.WriteCache,
        };
    }
}
