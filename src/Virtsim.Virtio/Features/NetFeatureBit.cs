namespace Virtsim.Virtio.Features;

/// <summary>virtio-net feature bits (spec §5.1.3).</summary>
public static class NetFeatureBit
{
    /// <summary>Device handles packets with partial checksum.</summary>
    public const int Csum = 0;
    /// <summary>Driver handles packets with partial checksum.</summary>
    public const int GuestCsum = 1;
    /// <summary>Control channel offloads reconfiguration.</summary>
    public const int CtrlGuestOffloads = 2;
    /// <summary>Device reports its maximum MTU.</summary>
    public const int Mtu = 3;
    /// <summary>Device has a given MAC address.</summary>
    public const int Mac = 5;
    /// <summary>Driver can receive TSOv4.</summary>
    public const int GuestTso4 = 7;
    /// <summary>Driver can receive TSOv6.</summary>
    public const int GuestTso6 = 8;
    /// <summary>Driver can receive TSO with ECN.</summary>
    public const int GuestEcn = 9;
    /// <summary>Driver can receive UFO.</summary>
    public const int GuestUfo = 10;
    /// <summary>Device can receive TSOv4.</summary>
    public const int HostTso4 = 11;
    /// <summary>Device can receive TSOv6.</summary>
    public const int HostTso6 = 12;
    /// <summary>Device can receive TSO with ECN.</summary>
    public const int HostEcn = 13;
    /// <summary>Device can receive UFO.</summary>
    public const int HostUfo = 14;
    /// <summary>Driver can merge receive buffers.</summary>
    public const int MrgRxbuf = 15;
    /// <summary>Configuration status field is available.</summary>
    public const int Status = 16;
    /// <summary>Control channel is available.</summary>
    public const int CtrlVq = 17;
    /// <summary>Control channel RX mode support.</summary>
    public const int CtrlRx = 18;
    /// <summary>Control channel VLAN filtering.</summary>
    public const int CtrlVlan = 19;
    /// <summary>Driver can send gratuitous packets.</summary>
    public const int GuestAnnounce = 21;
    /// <summary>Device supports multiqueue with automatic receive steering.</summary>
    public const int Mq = 22;
    /// <summary>Set MAC address through the control channel.</summary>
    public const int CtrlMacAddr = 23;
    /// <summary>Device can receive USO.</summary>
    public const int HostUso = 56;
    /// <summary>Device can report per-packet hash value and type.</summary>
    public const int HashReport = 57;
    /// <summary>Driver provides the exact header length.</summary>
    public const int GuestHdrLen = 59;
    /// <summary>Device supports RSS.</summary>
    public const int Rss = 60;
    /// <summary>Extended coalescing info.</summary>
    public const int RscExt = 61;
    /// <summary>Device may act as a standby for a primary device with the same MAC.</summary>
    public const int Standby = 62;
    /// <summary>Device reports speed and duplex.</summary>
    public const int SpeedDuplex = 63;
}
