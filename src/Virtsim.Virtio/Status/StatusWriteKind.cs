namespace Virtsim.Virtio.Status;

/// <summary>What a driver's write to the device status field did.</summary>
public enum StatusWriteKind : byte
{
    /// <summary>New bits were accepted in order.</summary>
    Accepted,
    /// <summary>The value equals the current status: nothing changed.</summary>
    Unchanged,
    /// <summary>0 was written: the device reset.</summary>
    Reset,
    /// <summary>FEATURES_OK was requested but the device refused the features: the bit did not stick.</summary>
    FeaturesRefused,
    /// <summary>DRIVER_OK was set for the first time: the device is live.</summary>
    DriverOk,
    /// <summary>The driver set FAILED.</summary>
    Failed,
    /// <summary>The driver set SUSPEND and the device suspended (DRIVER_OK now reads 0).</summary>
    Suspended,
    /// <summary>The driver set DRIVER_OK on a suspended device and it resumed (SUSPEND now reads 0).</summary>
    Resumed,
    /// <summary>The write broke the rules of §2.1/§3.1.1 and was ignored; the status is unchanged.</summary>
    Illegal,
}
