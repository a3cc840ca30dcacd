namespace Virtsim.Virtio.Features;

/// <summary>The device-independent (reserved) feature bits, spec §6 "Reserved Feature Bits".</summary>
public static class FeatureBit
{
    /// <summary>Descriptors may point to indirect descriptor tables (§2.7.5.3).</summary>
    public const int IndirectDesc = 28;
    /// <summary>used_event / avail_event fields enable notification suppression by index (§2.7.7, §2.7.10).</summary>
    public const int EventIdx = 29;
    /// <summary>Compliance with the modern (1.0+) specification.</summary>
    public const int Version1 = 32;
    /// <summary>The device accesses memory through a platform IOMMU.</summary>
    public const int AccessPlatform = 33;
    /// <summary>Packed virtqueue layout (§2.8).</summary>
    public const int RingPacked = 34;
    /// <summary>Buffers are used in the order they were made available.</summary>
    public const int InOrder = 35;
    /// <summary>Memory accesses must be ordered as for the platform (hardware devices).</summary>
    public const int OrderPlatform = 36;
    /// <summary>The device supports single root I/O virtualization.</summary>
    public const int SrIov = 37;
    /// <summary>The driver passes extra data (next avail index) in notifications (§2.9).</summary>
    public const int NotificationData = 38;
    /// <summary>The driver uses queue_notif_config_data as the notification value.</summary>
    public const int NotifConfigData = 39;
    /// <summary>Individual virtqueues can be reset (§2.6.1).</summary>
    public const int RingReset = 40;
    /// <summary>The device has an administration virtqueue (1.3).</summary>
    public const int AdminVq = 41;
    /// <summary>The device can be suspended through the SUSPEND status bit (1.4).</summary>
    public const int Suspend = 43;

    /// <summary>Lowest reserved transport/device-independent bit (bits 24-40 and beyond).</summary>
    public const int FirstReserved = 24;
}
