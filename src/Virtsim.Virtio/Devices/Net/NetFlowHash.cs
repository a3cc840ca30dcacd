using System.Buffers.Binary;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// The receive hash of an Ethernet frame: a Toeplitz hash over source address, destination address and (for TCP
/// and UDP when enabled) source and destination ports, the same inputs as RSS (spec §5.1.6.4.3). One 802.1Q tag
/// is skipped; IPv6 extension headers and IPv4 fragments fall back to the address-only types. Frames that match no
/// enabled type report <see cref="NetHashType.ReportNone"/> with hash 0.
/// </summary>
public static class NetFlowHash
{
    /// <summary>Largest hash key accepted (rss_max_key_size).</summary>
    public const int MaxKeySize = 40;

    /// <summary>The widely published default RSS key (the Toeplitz verification key).</summary>
    public static ReadOnlySpan<byte> DefaultKey =>
    [
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
        0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
        0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ];

    private const ushort EtherTypeIPv4 = 0x0800;
    private const ushort EtherTypeIPv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;
    private const byte ProtoTcp = 6;
    private const byte ProtoUdp = 17;

    /// <summary>
    /// Hashes <paramref name="frame"/> with <paramref name="key"/> under the <paramref name="enabledTypes"/> mask;
    /// returns the hash and sets <paramref name="report"/> to the type used.
    /// </summary>
    public static uint Compute(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> key, uint enabledTypes, out ushort report)
    {
        report = NetHashType.ReportNone;
        if (frame.Length < 14) return 0;
        int l3 = 14;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (etherType == EtherTypeVlan && frame.Length >= 18)
        {
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 = 18;
        }
        Span<byte> input = stackalloc byte[36];
        var ip = frame[l3..];
        if (etherType == EtherTypeIPv4 && ip.Length >= 20 && ip[0] >> 4 == 4)
        {
            int ihl = (ip[0] & 0xF) * 4;
            bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0;
            ip.Slice(12, 8).CopyTo(input);
            byte proto = ip[9];
            if (!fragment && ihl >= 20 && ip.Length >= ihl + 4)
            {
                uint type = proto == ProtoTcp ? NetHashType.TcpV4 : proto == ProtoUdp ? NetHashType.UdpV4 : 0;
                if (type != 0 && (enabledTypes & type) != 0)
                {
                    ip.Slice(ihl, 4).CopyTo(input[8..]);
                    report = type == NetHashType.TcpV4 ? NetHashType.ReportTcpV4 : NetHashType.ReportUdpV4;
                    return Toeplitz(input[..12], key);
                }
            }
            if ((enabledTypes & NetHashType.IPv4) == 0) return 0;
            report = NetHashType.ReportIPv4;
            return Toeplitz(input[..8], key);
        }
        if (etherType == EtherTypeIPv6 && ip.Length >= 40 && ip[0] >> 4 == 6)
        {
            ip.Slice(8, 32).CopyTo(input);
            byte next = ip[6];
            uint type = next == ProtoTcp ? NetHashType.TcpV6 : next == ProtoUdp ? NetHashType.UdpV6 : 0;
            if (type != 0 && (enabledTypes & type) != 0 && ip.Length >= 44)
            {
                ip.Slice(40, 4).CopyTo(input[32..]);
                report = type == NetHashType.TcpV6 ? NetHashType.ReportTcpV6 : NetHashType.ReportUdpV6;
                return Toeplitz(input[..36], key);
            }
            if ((enabledTypes & NetHashType.IPv6) == 0) return 0;
            report = NetHashType.ReportIPv6;
            return Toeplitz(input[..32], key);
        }
        return 0;
    }

    /// <summary>The Toeplitz hash of <paramref name="input"/> under <paramref name="key"/> (key bits past its end count as 0).</summary>
    public static uint Toeplitz(ReadOnlySpan<byte> input, ReadOnlySpan<byte> key)
    {
        uint result = 0;
        // window = the 32 key bits starting at the current input bit position
        uint window = 0;
        for (int i = 0; i < 4; i++) window = (window << 8) | KeyByte(key, i);
        for (int i = 0; i < input.Length; i++)
        {
            byte next = KeyByte(key, i + 4);
            for (int bit = 7; bit >= 0; bit--)
            {
                if ((input[i] & (1 << bit)) != 0) result ^= window;
                window = (window << 1) | (uint)((next >> bit) & 1);
            }
        }
        return result;
    }

    private static byte KeyByte(ReadOnlySpan<byte> key, int index) => index < key.Length ? key[index] : (byte)0;
}
