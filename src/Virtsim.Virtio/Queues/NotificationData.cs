namespace Virtsim.Virtio.Queues;

/// <summary>The VIRTIO_F_NOTIFICATION_DATA doorbell value (spec §2.9 / §4.1.5.2).</summary>
/// <param name="QueueIndex">vq index, bits 0-15.</param>
/// <param name="NextOffset">Split: next available index (bits 16-31). Packed: next_off (bits 16-30).</param>
/// <param name="NextWrap">Packed: next_wrap (bit 31). False for split.</param>
public readonly record struct NotificationData(ushort QueueIndex, ushort NextOffset, bool NextWrap)
{
    /// <summary>The value for a split ring.</summary>
    public static uint ForSplit(ushort queueIndex, ushort nextAvailIndex) => queueIndex | ((uint)nextAvailIndex << 16);

    /// <summary>The value for a packed ring: <paramref name="nextOffset"/> is 15 bits.</summary>
    public static uint ForPacked(ushort queueIndex, ushort nextOffset, bool nextWrap) =>
        queueIndex | ((uint)(nextOffset & 0x7FFF) << 16) | (nextWrap ? 1u << 31 : 0);

    /// <summary>Decodes a value written by a driver of a queue in <paramref name="format"/>.</summary>
    public static NotificationData Decode(uint value, QueueFormat format) => format == QueueFormat.Split
        ? new NotificationData((ushort)value, (ushort)(value >> 16), false)
        : new NotificationData((ushort)value, (ushort)((value >> 16) & 0x7FFF), (value >> 31) != 0);

    /// <summary>Encodes this value for a queue in <paramref name="format"/>.</summary>
    public uint Encode(QueueFormat format) => format == QueueFormat.Split
        ? ForSplit(QueueIndex, NextOffset)
        : ForPacked(QueueIndex, NextOffset, NextWrap);
}
