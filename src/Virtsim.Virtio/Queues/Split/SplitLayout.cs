namespace Virtsim.Virtio.Queues.Split;

/// <summary>
/// Byte layout of a split virtqueue (spec §2.7): sizes and offsets of the descriptor table, the available
/// ring and the used ring, and the flag values stored in them. Everything is little-endian.
/// </summary>
public static class SplitLayout
{
    /// <summary>Size of one descriptor table entry: addr u64, len u32, flags u16, next u16.</summary>
    public const int DescriptorSize = 16;

    /// <summary>Offset of <c>addr</c> in a descriptor.</summary>
    public const int DescriptorAddressOffset = 0;

    /// <summary>Offset of <c>len</c> in a descriptor.</summary>
    public const int DescriptorLengthOffset = 8;

    /// <summary>Offset of <c>flags</c> in a descriptor.</summary>
    public const int DescriptorFlagsOffset = 12;

    /// <summary>Offset of <c>next</c> in a descriptor.</summary>
    public const int DescriptorNextOffset = 14;

    /// <summary>Offset of the available ring's <c>flags</c>.</summary>
    public const int AvailFlagsOffset = 0;

    /// <summary>Offset of the available ring's <c>idx</c>.</summary>
    public const int AvailIndexOffset = 2;

    /// <summary>Offset of the available ring's <c>ring[0]</c>.</summary>
    public const int AvailRingOffset = 4;

    /// <summary>Size of one available ring entry (a u16 head index).</summary>
    public const int AvailEntrySize = 2;

    /// <summary>Offset of the used ring's <c>flags</c>.</summary>
    public const int UsedFlagsOffset = 0;

    /// <summary>Offset of the used ring's <c>idx</c>.</summary>
    public const int UsedIndexOffset = 2;

    /// <summary>Offset of the used ring's <c>ring[0]</c>.</summary>
    public const int UsedRingOffset = 4;

    /// <summary>Size of one used element: id u32, len u32.</summary>
    public const int UsedElementSize = 8;

    /// <summary>Available ring flag VIRTQ_AVAIL_F_NO_INTERRUPT: the driver does not want used buffer notifications.</summary>
    public const ushort AvailNoInterrupt = 1;

    /// <summary>Used ring flag VIRTQ_USED_F_NO_NOTIFY: the device does not want available buffer notifications.</summary>
    public const ushort UsedNoNotify = 1;

    /// <summary>Required alignment of the descriptor table.</summary>
    public const int DescriptorTableAlignment = 16;

    /// <summary>Required alignment of the available ring.</summary>
    public const int AvailRingAlignment = 2;

    /// <summary>Required alignment of the used ring.</summary>
    public const int UsedRingAlignment = 4;

    /// <summary>Bytes of the descriptor table for a queue of <paramref name="queueSize"/> entries: 16 * size.</summary>
    public static ulong DescriptorTableBytes(int queueSize) => (ulong)queueSize * DescriptorSize;

    /// <summary>Bytes of the available ring including <c>used_event</c>: 6 + 2 * size.</summary>
    public static ulong AvailRingBytes(int queueSize) => 6 + (ulong)queueSize * AvailEntrySize;

    /// <summary>Bytes of the used ring including <c>avail_event</c>: 6 + 8 * size.</summary>
    public static ulong UsedRingBytes(int queueSize) => 6 + (ulong)queueSize * UsedElementSize;

    /// <summary>Offset of <c>used_event</c> (after the available ring entries): 4 + 2 * size.</summary>
    public static ulong UsedEventOffset(int queueSize) => AvailRingOffset + (ulong)queueSize * AvailEntrySize;

    /// <summary>Offset of <c>avail_event</c> (after the used ring elements): 4 + 8 * size.</summary>
    public static ulong AvailEventOffset(int queueSize) => UsedRingOffset + (ulong)queueSize * UsedElementSize;

    /// <summary>Offset of available ring entry <c>ring[slot]</c>.</summary>
    public static ulong AvailEntryOffset(int slot) => AvailRingOffset + (ulong)slot * AvailEntrySize;

    /// <summary>Offset of used element <c>ring[slot]</c>.</summary>
    public static ulong UsedElementOffset(int slot) => UsedRingOffset + (ulong)slot * UsedElementSize;
}
