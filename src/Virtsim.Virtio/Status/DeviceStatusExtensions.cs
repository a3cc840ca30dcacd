namespace Virtsim.Virtio.Status;

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
