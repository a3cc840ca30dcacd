namespace Virtsim.Virtio.Transport.Pci;

/// <summary>Offsets of the fields of struct virtio_pci_common_cfg (spec §4.1.4.3).</summary>
public static class PciCommonConfigOffset
{
    /// <summary>device_feature_select, u32, RW.</summary>
    public const int DeviceFeatureSelect = 0x00;
    /// <summary>device_feature, u32, RO.</summary>
    public const int DeviceFeature = 0x04;
    /// <summary>driver_feature_select, u32, RW.</summary>
    public const int DriverFeatureSelect = 0x08;
    /// <summary>driver_feature, u32, RW.</summary>
    public const int DriverFeature = 0x0C;
    /// <summary>config_msix_vector, u16, RW.</summary>
    public const int ConfigMsixVector = 0x10;
    /// <summary>num_queues, u16, RO.</summary>
    public const int NumQueues = 0x12;
    /// <summary>device_status, u8, RW.</summary>
    public const int DeviceStatus = 0x14;
    /// <summary>config_generation, u8, RO.</summary>
    public const int ConfigGeneration = 0x15;
    /// <summary>queue_select, u16, RW.</summary>
    public const int QueueSelect = 0x16;
    /// <summary>queue_size, u16, RW.</summary>
    public const int QueueSize = 0x18;
    /// <summary>queue_msix_vector, u16, RW.</summary>
    public const int QueueMsixVector = 0x1A;
    /// <summary>queue_enable, u16, RW.</summary>
    public const int QueueEnable = 0x1C;
    /// <summary>queue_notify_off, u16, RO.</summary>
    public const int QueueNotifyOff = 0x1E;
    /// <summary>queue_desc, u64, RW.</summary>
    public const int QueueDesc = 0x20;
    /// <summary>queue_driver, u64, RW.</summary>
    public const int QueueDriver = 0x28;
    /// <summary>queue_device, u64, RW.</summary>
    public const int QueueDevice = 0x30;
    /// <summary>queue_notif_config_data, u16, RO.</summary>
    public const int QueueNotifConfigData = 0x38;
    /// <summary>queue_reset, u16, RW.</summary>
    public const int QueueReset = 0x3A;
    /// <summary>admin_queue_index, u16, RO.</summary>
    public const int AdminQueueIndex = 0x3C;
    /// <summary>admin_queue_num, u16, RO.</summary>
    public const int AdminQueueNum = 0x3E;
    /// <summary>Size of the structure.</summary>
    public const int Length = 0x40;

    /// <summary>The width in bytes of the field starting at <paramref name="offset"/>, or 0 when none starts there.</summary>
    public static int WidthAt(int offset) => offset switch
    {
        DeviceFeatureSelect or DeviceFeature or DriverFeatureSelect or DriverFeature => 4,
        DeviceStatus or ConfigGeneration => 1,
        QueueDesc or QueueDriver or QueueDevice => 8,
        ConfigMsixVector or NumQueues or QueueSelect or QueueSize or QueueMsixVector or QueueEnable or QueueNotifyOff
            or QueueNotifConfigData or QueueReset or AdminQueueIndex or AdminQueueNum => 2,
        _ => 0,
    };
}
