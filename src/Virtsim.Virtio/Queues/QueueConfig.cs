using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Queues;

/// <summary>
/// What a driver programs for one virtqueue: format, size, the three ring areas (device addresses) and
/// the negotiated features that change ring behaviour.
/// </summary>
/// <param name="Format">Split or packed.</param>
/// <param name="Size">Number of descriptors: split 1..32768 and a power of two; packed 1..32768.</param>
/// <param name="DescriptorArea">Split: descriptor table (align 16). Packed: descriptor ring (align 16).</param>
/// <param name="DriverArea">Split: available ring (align 2). Packed: driver event suppression (align 4).</param>
/// <param name="DeviceArea">Split: used ring (align 4). Packed: device event suppression (align 4).</param>
/// <param name="Features">The negotiated features (only ring-related bits matter here).</param>
public readonly record struct QueueConfig(QueueFormat Format, ushort Size, ulong DescriptorArea, ulong DriverArea, ulong DeviceArea, FeatureSet Features)
{
    /// <summary>Largest queue size the spec allows.</summary>
    public const int MaxSize = 32768;

    /// <summary>VIRTIO_F_EVENT_IDX negotiated.</summary>
    public bool EventIdx => Features.Has(FeatureBit.EventIdx);

    /// <summary>VIRTIO_F_INDIRECT_DESC negotiated.</summary>
    public bool IndirectDesc => Features.Has(FeatureBit.IndirectDesc);

    /// <summary>VIRTIO_F_IN_ORDER negotiated.</summary>
    public bool InOrder => Features.Has(FeatureBit.InOrder);

    /// <summary>VIRTIO_F_NOTIFICATION_DATA negotiated.</summary>
    public bool NotificationData => Features.Has(FeatureBit.NotificationData);

    /// <summary>
    /// Checks size and alignment rules (spec §2.7 and §2.8). Returns null when valid, else the reason.
    /// </summary>
    public string? Validate()
    {
        if (ValidateSize() is { } size) return size;
        if (DescriptorArea % 16 != 0) return $"descriptor area 0x{DescriptorArea:x} is not 16-byte aligned";
        if (Format == QueueFormat.Split)
        {
            if (DriverArea % 2 != 0) return $"available ring 0x{DriverArea:x} is not 2-byte aligned";
            if (DeviceArea % 4 != 0) return $"used ring 0x{DeviceArea:x} is not 4-byte aligned";
        }
        else
        {
            if (DriverArea % 4 != 0) return $"driver event suppression area 0x{DriverArea:x} is not 4-byte aligned";
            if (DeviceArea % 4 != 0) return $"device event suppression area 0x{DeviceArea:x} is not 4-byte aligned";
        }
        return null;
    }

    /// <summary>
    /// Checks the size rule alone: 1..32768, and a power of two for split rings. Returns null when valid, else the
    /// reason. (A device queue refuses a bad size outright, but only marks misaligned areas as a broken ring.)
    /// </summary>
    public string? ValidateSize()
    {
        if (Size == 0 || Size > MaxSize) return $"queue size {Size} is outside 1..{MaxSize}";
        if (Format == QueueFormat.Split && (Size & (Size - 1)) != 0) return $"split queue size {Size} is not a power of two";
        return null;
    }
}
