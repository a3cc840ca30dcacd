namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// Hash types (bitmask, <c>VIRTIO_NET_HASH_TYPE_*</c>) and the matching report values
/// (<c>VIRTIO_NET_HASH_REPORT_*</c>), spec §5.1.6.4.3. Report value r corresponds to type bit 1 &lt;&lt; (r - 1).
/// </summary>
public static class NetHashType
{
    /// <summary>Type bit: IPv4 addresses.</summary>
    public const uint IPv4 = 1 << 0;
    /// <summary>Type bit: IPv4 addresses and TCP ports.</summary>
    public const uint TcpV4 = 1 << 1;
    /// <summary>Type bit: IPv4 addresses and UDP ports.</summary>
    public const uint UdpV4 = 1 << 2;
    /// <summary>Type bit: IPv6 addresses.</summary>
    public const uint IPv6 = 1 << 3;
    /// <summary>Type bit: IPv6 addresses and TCP ports.</summary>
    public const uint TcpV6 = 1 << 4;
    /// <summary>Type bit: IPv6 addresses and UDP ports.</summary>
    public const uint UdpV6 = 1 << 5;
    /// <summary>Every type this device computes (no IPv6 extension-header variants).</summary>
    public const uint Supported = IPv4 | TcpV4 | UdpV4 | IPv6 | TcpV6 | UdpV6;

    /// <summary>Report: no hash computed.</summary>
    public const ushort ReportNone = 0;
    /// <summary>Report: IPv4 addresses.</summary>
    public const ushort ReportIPv4 = 1;
    /// <summary>Report: IPv4 + TCP.</summary>
    public const ushort ReportTcpV4 = 2;
    /// <summary>Report: IPv4 + UDP.</summary>
    public const ushort ReportUdpV4 = 3;
    /// <summary>Report: IPv6 addresses.</summary>
    public const ushort ReportIPv6 = 4;
    /// <summary>Report: IPv6 + TCP.</summary>
    public const ushort ReportTcpV6 = 5;
    /// <summary>Report: IPv6 + UDP.</summary>
    public const ushort ReportUdpV6 = 6;
}
