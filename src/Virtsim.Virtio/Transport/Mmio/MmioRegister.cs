namespace Virtsim.Virtio.Transport.Mmio;

/// <summary>virtio-mmio version 2 register offsets (spec §4.2.2).</summary>
public static class MmioRegister
{
    /// <summary>MagicValue, R: 0x74726976 ("virt").</summary>
    public const int MagicValue = 0x000;
    /// <summary>Version, R: 2.</summary>
    public const int Version = 0x004;
    /// <summary>DeviceID, R: the device type.</summary>
    public const int DeviceId = 0x008;
    /// <summary>VendorID, R.</summary>
    public const int VendorId = 0x00C;
    /// <summary>DeviceFeatures, R.</summary>
    public const int DeviceFeatures = 0x010;
    /// <summary>DeviceFeaturesSel, W.</summary>
    public const int DeviceFeaturesSel = 0x014;
    /// <summary>DriverFeatures, W.</summary>
    public const int DriverFeatures = 0x020;
    /// <summary>DriverFeaturesSel, W.</summary>
    public const int DriverFeaturesSel = 0x024;
    /// <summary>QueueSel, W.</summary>
    public const int QueueSel = 0x030;
    /// <summary>QueueNumMax (QueueSizeMax), R.</summary>
    public const int QueueNumMax = 0x034;
    /// <summary>QueueNum (QueueSize), W.</summary>
    public const int QueueNum = 0x038;
    /// <summary>QueueReady, RW.</summary>
    public const int QueueReady = 0x044;
    /// <summary>QueueNotify, W.</summary>
    public const int QueueNotify = 0x050;
    /// <summary>InterruptStatus, R.</summary>
    public const int InterruptStatus = 0x060;
    /// <summary>InterruptACK, W.</summary>
    public const int InterruptAck = 0x064;
    /// <summary>Status, RW.</summary>
    public const int Status = 0x070;
    /// <summary>QueueDescLow, W.</summary>
    public const int QueueDescLow = 0x080;
    /// <summary>QueueDescHigh, W.</summary>
    public const int QueueDescHigh = 0x084;
    /// <summary>QueueDriverLow, W.</summary>
    public const int QueueDriverLow = 0x090;
    /// <summary>QueueDriverHigh, W.</summary>
    public const int QueueDriverHigh = 0x094;
    /// <summary>QueueDeviceLow, W.</summary>
    public const int QueueDeviceLow = 0x0A0;
    /// <summary>QueueDeviceHigh, W.</summary>
    public const int QueueDeviceHigh = 0x0A4;
    /// <summary>SHMSel, W.</summary>
    public const int ShmSel = 0x0AC;
    /// <summary>SHMLenLow, R.</summary>
    public const int ShmLenLow = 0x0B0;
    /// <summary>SHMLenHigh, R.</summary>
    public const int ShmLenHigh = 0x0B4;
    /// <summary>SHMBaseLow, R.</summary>
    public const int ShmBaseLow = 0x0B8;
    /// <summary>SHMBaseHigh, R.</summary>
    public const int ShmBaseHigh = 0x0BC;
    /// <summary>QueueReset, RW.</summary>
    public const int QueueReset = 0x0C0;
    /// <summary>ConfigGeneration, R.</summary>
    public const int ConfigGeneration = 0x0FC;
    /// <summary>Start of the device-specific configuration.</summary>
    public const int Config = 0x100;

    /// <summary>The MagicValue contents.</summary>
    public const uint Magic = 0x74726976;
    /// <summary>The Version this transport implements.</summary>
    public const uint CurrentVersion = 2;
}
