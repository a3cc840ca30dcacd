namespace Virtsim.Virtio.Status;

/// <summary>The device status field (spec §2.1), one byte shared by driver and device.</summary>
[Flags]
public enum DeviceStatus : byte
{
    /// <summary>Reset state: nothing done yet.</summary>
    None = 0,
    /// <summary>The guest found the device and recognised it as a virtio device.</summary>
    Acknowledge = 1,
    /// <summary>The guest knows how to drive the device.</summary>
    Driver = 2,
    /// <summary>The driver is set up and ready to drive the device.</summary>
    DriverOk = 4,
    /// <summary>The driver accepted its features and feature negotiation is complete.</summary>
    FeaturesOk = 8,
    /// <summary>The device has been suspended by the driver (VIRTIO_F_SUSPEND, spec 1.4).</summary>
    Suspend = 16,
    /// <summary>The device hit an error it cannot recover from; the driver must reset it.</summary>
    DeviceNeedsReset = 64,
    /// <summary>The driver gave up on the device.</summary>
    Failed = 128,
}

/// <summary>Helpers over <see cref="DeviceStatus"/>.</summary>
public static class DeviceStatusExtensions
{
    /// <summary>Every bit the specification defines.</summary>
    public const DeviceStatus Defined = DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.DriverOk |
        DeviceStatus.FeaturesOk | DeviceStatus.Suspend | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed;

    /// <summary>True when every bit of <paramref name="bits"/> is set in <paramref name="status"/>.</summary>
    public static bool Has(this DeviceStatus status, DeviceStatus bits) => (status & bits) == bits;

    /// <summary>The bits as "ACKNOWLEDGE|DRIVER|..." or "0".</summary>
    public static string Describe(this DeviceStatus status)
    {
        if (status == DeviceStatus.None) return "0";
        var names = new List<string>();
        if (status.Has(DeviceStatus.Acknowledge)) names.Add("ACKNOWLEDGE");
        if (status.Has(DeviceStatus.Driver)) names.Add("DRIVER");
        if (status.Has(DeviceStatus.FeaturesOk)) names.Add("FEATURES_OK");
        if (status.Has(DeviceStatus.DriverOk)) names.Add("DRIVER_OK");
        if (status.Has(DeviceStatus.Suspend)) names.Add("SUSPEND");
        if (status.Has(DeviceStatus.DeviceNeedsReset)) names.Add("DEVICE_NEEDS_RESET");
        if (status.Has(DeviceStatus.Failed)) names.Add("FAILED");
        var reserved = (byte)(status & ~Defined);
        if (reserved != 0) names.Add($"0x{reserved:x2}");
        return string.Join('|', names);
    }
}
