namespace Virtsim.Virtio.Transport;

/// <summary>How a driver initialisation (spec §3.1.1) ended.</summary>
public enum DriverInitOutcome : byte
{
    /// <summary>DRIVER_OK is set and the queues are live.</summary>
    Succeeded,
    /// <summary>The status did not read 0 after the reset write.</summary>
    DeviceDidNotReset,
    /// <summary>The device does not offer VERSION_1 (a legacy device this driver does not drive).</summary>
    MissingVersion1,
    /// <summary>FEATURES_OK did not stick: the device refused the accepted features.</summary>
    FeaturesRefused,
    /// <summary>A requested queue does not exist or is too small.</summary>
    QueueUnavailable,
    /// <summary>A queue did not enable.</summary>
    QueueSetupFailed,
    /// <summary>The device reported DEVICE_NEEDS_RESET during initialisation.</summary>
    DeviceNeedsReset,
}
