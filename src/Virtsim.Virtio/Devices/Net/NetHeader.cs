using System.Buffers.Binary;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// <c>struct virtio_net_hdr</c> (spec §5.1.6): precedes every frame on the transmit and receive queues.
/// 10 bytes for a legacy device without MRG_RXBUF, 12 with VERSION_1 or MRG_RXBUF (adds num_buffers),
/// 20 with HASH_REPORT (adds hash_value, hash_report and padding). Little-endian.
/// </summary>
public record struct NetHeader
{
    /// <summary>Legacy header without num_buffers.</summary>
    public const int LegacySize = 10;
    /// <summary>Header with num_buffers (VERSION_1 or MRG_RXBUF).</summary>
    public const int Size = 12;
    /// <summary>Header with the hash fields (HASH_REPORT).</summary>
    public const int HashReportSize = 20;
    /// <summary>Offset of num_buffers (le16) in a header of <see cref="Size"/> or more bytes.</summary>
    public const int NumBuffersOffset = 10;

    /// <summary>flags: checksum needs completing (csum_start/csum_offset valid).</summary>
    public const byte FlagNeedsCsum = 1;
    /// <summary>flags: the device validated the checksum (receive only).</summary>
    public const byte FlagDataValid = 2;
    /// <summary>flags: csum_start/csum_offset carry coalescing info (RSC_EXT, receive only).</summary>
    public const byte FlagRscInfo = 4;

    /// <summary>gso_type: not a GSO frame.</summary>
    public const byte GsoNone = 0;
    /// <summary>gso_type: TCPv4 segmentation.</summary>
    public const byte GsoTcpV4 = 1;
    /// <summary>gso_type: UDP fragmentation offload.</summary>
    public const byte GsoUdp = 3;
    /// <summary>gso_type: TCPv6 segmentation.</summary>
    public const byte GsoTcpV6 = 4;
    /// <summary>gso_type: UDP segmentation (USO).</summary>
    public const byte GsoUdpL4 = 5;
    /// <summary>gso_type bit: TCP with ECN.</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>flags (u8 at 0).</summary>
    public byte Flags { get; set; }
    /// <summary>gso_type (u8 at 1).</summary>
    public byte GsoType { get; set; }
    /// <summary>hdr_len (le16 at 2).</summary>
    public ushort HdrLen { get; set; }
    /// <summary>gso_size (le16 at 4).</summary>
    public ushort GsoSize { get; set; }
    /// <summary>csum_start (le16 at 6).</summary>
    public ushort CsumStart { get; set; }
    /// <summary>csum_offset (le16 at 8).</summary>
    public ushort CsumOffset { get; set; }
    /// <summary>num_buffers (le16 at 10): buffers a received frame spans.</summary>
    public ushort NumBuffers { get; set; }
    /// <summary>hash_value (le32 at 12, HASH_REPORT only).</summary>
    public uint HashValue { get; set; }
    /// <summary>hash_report (le16 at 16, HASH_REPORT only): a <see cref="NetHashType"/> report value.</summary>
    public ushort HashReport { get; set; }
    /// <summary>padding_reserved (le16 at 18, HASH_REPORT only).</summary>
    public ushort PaddingReserved { get; set; }

    /// <summary>The header size for the negotiated <paramref name="features"/>.</summary>
    public static int SizeFor(FeatureSet features) =>
        features.Has(NetFeatureBit.HashReport) ? HashReportSize
        : features.Has(FeatureBit.Version1) || features.Has(NetFeatureBit.MrgRxbuf) ? Size
        : LegacySize;

    /// <summary>Reads a header of <paramref name="size"/> bytes (10, 12 or 20) from <paramref name="source"/>.</summary>
    public static NetHeader Read(ReadOnlySpan<byte> source, int size)
    {
        CheckSize(size);
        var header = new NetHeader
        {
            Flags = source[0],
            GsoType = source[1],
            HdrLen = BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
            GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
            CsumStart = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
            CsumOffset = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]),
        };
        if (size >= Size) header.NumBuffers = BinaryPrimitives.ReadUInt16LittleEndian(source[NumBuffersOffset..]);
        if (size >= HashReportSize)
        {
            header.HashValue = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
            header.HashReport = BinaryPrimitives.ReadUInt16LittleEndian(source[16..]);
            header.PaddingReserved = BinaryPrimitives.ReadUInt16LittleEndian(source[18..]);
        }
        return header;
    }

    /// <summary>Writes the first <paramref name="size"/> bytes (10, 12 or 20) of the header to <paramref name="destination"/>.</summary>
    public readonly void Write(Span<byte> destination, int size)
    {
        CheckSize(size);
        destination[0] = Flags;
        destination[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], HdrLen);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], CsumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], CsumOffset);
        if (size >= Size) BinaryPrimitives.WriteUInt16LittleEndian(destination[NumBuffersOffset..], NumBuffers);
        if (size >= HashReportSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], HashValue);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[16..], HashReport);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[18..], PaddingReserved);
        }
    }

    private static void CheckSize(int size)
    {
        if (size is not (LegacySize or Size or HashReportSize))
            throw new ArgumentOutOfRangeException(nameof(size), size, "a virtio-net header is 10, 12 or 20 bytes");
    }
}
