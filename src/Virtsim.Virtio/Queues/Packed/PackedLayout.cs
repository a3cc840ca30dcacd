namespace Virtsim.Virtio.Queues.Packed;

/// <summary>
/// Byte layout and flag bits of the packed virtqueue (spec §2.8): the descriptor ring of 16-byte
/// <c>pvirtq_desc</c> elements and the two 4-byte <c>pvirtq_event_suppress</c> structures. Little-endian.
/// </summary>
public static class PackedLayout
{
    /// <summary>Size of one descriptor in the ring (and in an indirect table).</summary>
    public const int DescriptorSize = 16;

    /// <summary>Offset of <c>addr</c> (le64) in a descriptor.</summary>
    public const int AddressOffset = 0;

    /// <summary>Offset of <c>len</c> (le32) in a descriptor.</summary>
    public const int LengthOffset = 8;

    /// <summary>Offset of <c>id</c> (le16, the buffer id) in a descriptor.</summary>
    public const int IdOffset = 12;

    /// <summary>Offset of <c>flags</c> (le16) in a descriptor.</summary>
    public const int FlagsOffset = 14;

    /// <summary>VIRTQ_DESC_F_NEXT: the buffer continues in the next ring descriptor.</summary>
    public const ushort FlagNext = 1;

    /// <summary>VIRTQ_DESC_F_WRITE: device-writable element (available); data was written (used).</summary>
    public const ushort FlagWrite = 2;

    /// <summary>VIRTQ_DESC_F_INDIRECT: the element is a table of descriptors.</summary>
    public const ushort FlagIndirect = 4;

    /// <summary>VIRTQ_DESC_F_AVAIL (bit 7).</summary>
    public const ushort FlagAvail = 1 << 7;

    /// <summary>VIRTQ_DESC_F_USED (bit 15).</summary>
    public const ushort FlagUsed = 1 << 15;

    /// <summary>Size of an event suppression structure.</summary>
    public const int EventSuppressionSize = 4;

    /// <summary>Offset of <c>desc_event_off_wrap</c> (le16: offset bits 0-14, wrap bit 15) in the structure.</summary>
    public const int EventOffWrapOffset = 0;

    /// <summary>Offset of <c>desc_event_flags</c> (le16, low two bits meaningful) in the structure.</summary>
    public const int EventFlagsOffset = 2;

    /// <summary>The AVAIL/USED bits a driver sets to make a descriptor available while its wrap counter is <paramref name="wrap"/>.</summary>
    public static ushort AvailableBits(bool wrap) => wrap ? FlagAvail : FlagUsed;

    /// <summary>The AVAIL/USED bits a device sets to mark a descriptor used while its wrap counter is <paramref name="wrap"/>.</summary>
    public static ushort UsedBits(bool wrap) => wrap ? (ushort)(FlagAvail | FlagUsed) : (ushort)0;

    /// <summary>Available for a reader whose wrap counter is <paramref name="wrap"/>: AVAIL equals it and USED does not.</summary>
    public static bool IsAvailable(ushort flags, bool wrap) =>
        ((flags & FlagAvail) != 0) == wrap && ((flags & FlagUsed) != 0) != wrap;

    /// <summary>Used for a reader whose wrap counter is <paramref name="wrap"/>: AVAIL and USED both equal it.</summary>
    public static bool IsUsed(ushort flags, bool wrap) =>
        ((flags & FlagAvail) != 0) == wrap && ((flags & FlagUsed) != 0) == wrap;

    /// <summary>Bytes of the descriptor ring for a queue of <paramref name="size"/> descriptors.</summary>
    public static ulong RingBytes(int size) => (ulong)size * DescriptorSize;

    /// <summary>Address of ring slot <paramref name="slot"/> in a ring starting at <paramref name="ringAddress"/>.</summary>
    public static ulong SlotAddress(ulong ringAddress, int slot) => ringAddress + (ulong)slot * DescriptorSize;
}
