using System.Text;

namespace Virtsim.Virtio.Features;

/// <summary>Readable names for feature bits, device-independent and per device type.</summary>
public static class FeatureNames
{
    private static readonly Dictionary<int, string> Reserved = new()
    {
        [FeatureBit.IndirectDesc] = "INDIRECT_DESC",
        [FeatureBit.EventIdx] = "EVENT_IDX",
        [FeatureBit.Version1] = "VERSION_1",
        [FeatureBit.AccessPlatform] = "ACCESS_PLATFORM",
        [FeatureBit.RingPacked] = "RING_PACKED",
        [FeatureBit.InOrder] = "IN_ORDER",
        [FeatureBit.OrderPlatform] = "ORDER_PLATFORM",
        [FeatureBit.SrIov] = "SR_IOV",
        [FeatureBit.NotificationData] = "NOTIFICATION_DATA",
        [FeatureBit.NotifConfigData] = "NOTIF_CONFIG_DATA",
        [FeatureBit.RingReset] = "RING_RESET",
        [FeatureBit.AdminVq] = "ADMIN_VQ",
        [FeatureBit.Suspend] = "SUSPEND",
    };

    private static readonly Dictionary<int, string> Net = new()
    {
        [NetFeatureBit.Csum] = "CSUM", [NetFeatureBit.GuestCsum] = "GUEST_CSUM",
        [NetFeatureBit.CtrlGuestOffloads] = "CTRL_GUEST_OFFLOADS", [NetFeatureBit.Mtu] = "MTU",
        [NetFeatureBit.Mac] = "MAC", [NetFeatureBit.GuestTso4] = "GUEST_TSO4",
        [NetFeatureBit.GuestTso6] = "GUEST_TSO6", [NetFeatureBit.GuestEcn] = "GUEST_ECN",
        [NetFeatureBit.GuestUfo] = "GUEST_UFO", [NetFeatureBit.HostTso4] = "HOST_TSO4",
        [NetFeatureBit.HostTso6] = "HOST_TSO6", [NetFeatureBit.HostEcn] = "HOST_ECN",
        [NetFeatureBit.HostUfo] = "HOST_UFO", [NetFeatureBit.MrgRxbuf] = "MRG_RXBUF",
        [NetFeatureBit.Status] = "STATUS", [NetFeatureBit.CtrlVq] = "CTRL_VQ",
        [NetFeatureBit.CtrlRx] = "CTRL_RX", [NetFeatureBit.CtrlVlan] = "CTRL_VLAN",
        [NetFeatureBit.GuestAnnounce] = "GUEST_ANNOUNCE", [NetFeatureBit.Mq] = "MQ",
        [NetFeatureBit.CtrlMacAddr] = "CTRL_MAC_ADDR", [NetFeatureBit.HostUso] = "HOST_USO",
        [NetFeatureBit.HashReport] = "HASH_REPORT", [NetFeatureBit.GuestHdrLen] = "GUEST_HDRLEN",
        [NetFeatureBit.Rss] = "RSS", [NetFeatureBit.RscExt] = "RSC_EXT",
        [NetFeatureBit.Standby] = "STANDBY", [NetFeatureBit.SpeedDuplex] = "SPEED_DUPLEX",
    };

    private static readonly Dictionary<int, string> Blk = new()
    {
        [BlkFeatureBit.SizeMax] = "SIZE_MAX", [BlkFeatureBit.SegMax] = "SEG_MAX",
        [BlkFeatureBit.Geometry] = "GEOMETRY", [BlkFeatureBit.Ro] = "RO",
        [BlkFeatureBit.BlkSize] = "BLK_SIZE", [BlkFeatureBit.Flush] = "FLUSH",
        [BlkFeatureBit.Topology] = "TOPOLOGY", [BlkFeatureBit.ConfigWce] = "CONFIG_WCE",
        [BlkFeatureBit.Mq] = "MQ", [BlkFeatureBit.Discard] = "DISCARD",
        [BlkFeatureBit.WriteZeroes] = "WRITE_ZEROES", [BlkFeatureBit.Lifetime] = "LIFETIME",
        [BlkFeatureBit.SecureErase] = "SECURE_ERASE",
    };

    private static readonly Dictionary<int, string> Console = new()
    {
        [ConsoleFeatureBit.Size] = "SIZE", [ConsoleFeatureBit.Multiport] = "MULTIPORT",
        [ConsoleFeatureBit.EmergWrite] = "EMERG_WRITE",
    };

    /// <summary>The name of <paramref name="bit"/> for a device of <paramref name="type"/>, or "BIT_n".</summary>
    public static string NameOf(int bit, DeviceType type = DeviceType.Invalid)
    {
        if (Reserved.TryGetValue(bit, out var name)) return name;
        var table = type switch
        {
            DeviceType.Net => Net,
            DeviceType.Block => Blk,
            DeviceType.Console => Console,
            _ => null,
        };
        return table != null && table.TryGetValue(bit, out name) ? name : $"BIT_{bit}";
    }

    /// <summary>Formats a set as "NAME|NAME|..." for a device of <paramref name="type"/>; "none" when empty.</summary>
    public static string Format(FeatureSet set, DeviceType type = DeviceType.Invalid)
    {
        if (set.IsEmpty) return "none";
        var text = new StringBuilder();
        foreach (var bit in set.Bits())
        {
            if (text.Length > 0) text.Append('|');
            text.Append(NameOf(bit, type));
        }
        return text.ToString();
    }
}
