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
