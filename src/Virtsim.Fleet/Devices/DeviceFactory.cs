using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;

namespace Virtsim.Fleet.Devices;

/// <summary>Builds the core device type for a device plan, with the vendor's feature offer.</summary>
public static class DeviceFactory
{
    /// <summary>The device handler for <paramref name="plan"/>; net devices transmit into <paramref name="uplink"/>.</summary>
    public static IDeviceHandler Create(DevicePlan plan, FrameUplink? uplink)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        var rings = profile.RingOffer(RequestDeviceBase.DefaultRingFeatures);
        return plan.Spec.Kind switch
        {
            DeviceKind.Blk => new BlkDevice(plan.Store ?? new MemoryBlockStore(plan.Spec.DiskSectors),
                new BlkDeviceOptions { RingFeatures = rings, QueueSize = profile.MaxQueueSize }),
            _ => new NetDevice(uplink, new NetDeviceOptions { RingFeatures = rings, Mac = plan.Mac, QueueSize = profile.MaxQueueSize }),
        };
    }
}
