using Virtsim.Fleet.Backends;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.Devices;

/// <summary>Builds the core device type for a device plan, with the vendor's feature offer.</summary>
public static class DeviceFactory
{
    /// <summary>
    /// The device handler for <paramref name="plan"/>; net devices transmit into <paramref name="uplink"/>. A blk
    /// device only sees its disk's capacity (<see cref="BackendStoreView"/>): its backend actor owns the disk.
    /// </summary>
    /// <param name="plan">The device.</param>
    /// <param name="uplink">net: where transmitted frames go.</param>
    /// <param name="offer">
    /// At a migration's destination: the ring features the mediation layer presents (the source's offer, trimmed to
    /// what this implementation can do), instead of the profile's or pool's own offer.
    /// </param>
    public static IDeviceHandler Create(DevicePlan plan, FrameUplink? uplink, FeatureSet? offer = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        var rings = offer is { } o ? o & RingFeatureMask : RingOffer(plan.Spec);
        return plan.Spec.Kind switch
        {
            DeviceKind.Blk => new BlkDevice(new BackendStoreView(plan.Store?.SectorCount ?? plan.Spec.DiskSectors), BlkOptions(plan) with { RingFeatures = rings }),
            _ => new NetDevice(uplink, new NetDeviceOptions { RingFeatures = rings, Mac = plan.Mac, QueueSize = profile.MaxQueueSize }),
        };
    }

    /// <summary>
    /// The ring features a device offers: its profile's, or, in a migration pool, what every member of the pool and
    /// its own profile offer, less any member's broken features (the mediation layer masks the quirks too), so the
    /// driver negotiates a set every member can present.
    /// </summary>
    public static FeatureSet RingOffer(DeviceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var offer = spec.Profile.RingOffer(RequestDeviceBase.DefaultRingFeatures);
        foreach (var member in spec.MigrationPool)
            offer = (offer & member.RingOffer(RequestDeviceBase.DefaultRingFeatures)).Except(member.Quirks.BrokenFeatures);
        if (spec.MigrationPool.Count > 0) offer = offer.Except(spec.Profile.Quirks.BrokenFeatures);
        return offer;
    }

    /// <summary>The ring and transport feature bits (24 to 49, the spec's reserved range): the ones vendors differ in.</summary>
    public static FeatureSet RingFeatureMask { get; } = new(~0UL << 24 & ~(~0UL << 50), 0);

    /// <summary>The blk device options of <paramref name="plan"/>: the device actor and its backend both build their core device with them.</summary>
    public static BlkDeviceOptions BlkOptions(DevicePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        return new BlkDeviceOptions
        {
            RingFeatures = RingOffer(plan.Spec),
            QueueSize = profile.MaxQueueSize,
            InitialWriteback = plan.Spec.WriteCache,
        };
    }
}
