using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop;

/// <summary>What Virtsim's in-process driver asks for under each kind of feature set.</summary>
public static class WantedFeatures
{
    /// <summary>
    /// The default set: VERSION_1, INDIRECT_DESC, EVENT_IDX, IN_ORDER, NOTIFICATION_DATA, and for blk FLUSH, BLK_SIZE,
    /// SEG_MAX, for net MAC, STATUS, MTU, MRG_RXBUF.
    /// </summary>
    public static FeatureSet Default(VhostUserDeviceKind type) =>
        FeatureSet.Of(FeatureBit.Version1, FeatureBit.IndirectDesc, FeatureBit.EventIdx, FeatureBit.InOrder, FeatureBit.NotificationData)
        | (type == VhostUserDeviceKind.Blk
            ? FeatureSet.Of(BlkFeatureBit.Flush, BlkFeatureBit.BlkSize, BlkFeatureBit.SegMax)
            : FeatureSet.Of(NetFeatureBit.Mac, NetFeatureBit.Status, NetFeatureBit.Mtu, NetFeatureBit.MrgRxbuf));

    /// <summary>The bits the driver accepts from an offer under <paramref name="set"/> in a cell of <paramref name="ring"/> format.</summary>
    public static FeatureSet For(InteropFeatureSet set, VhostUserDeviceKind type, QueueFormat ring)
    {
        ArgumentNullException.ThrowIfNull(set);
        var packed = ring == QueueFormat.Packed ? FeatureSet.Of(FeatureBit.RingPacked) : FeatureSet.None;
        return set.Kind switch
        {
            FeatureSetKind.Minimal => FeatureSet.Of(FeatureBit.Version1) | packed,
            FeatureSetKind.Default => Default(type) | packed,
            FeatureSetKind.AllOffered => new FeatureSet(ulong.MaxValue, ulong.MaxValue).Without(FeatureBit.RingPacked) | packed,
            _ => set.Bits | packed,
        };
    }
}
