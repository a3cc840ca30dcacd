namespace Virtsim.Fleet.World;

/// <summary>
/// What the driver and the device actor of one device say about its state, for the run's report: filled in by them
/// (each its own fields), read after the run (<see cref="RunReport.Failures"/>).
/// </summary>
public sealed class DeviceHealth
{
    /// <summary>Why the driver gave up on the device (its initialisation failed), or null.</summary>
    public string? DriverFailure { get; set; }

    /// <summary>True when the driver gave up a device that had been working (max-resets); <see cref="DriverFailure"/> says why.</summary>
    public bool DriverGaveUp { get; set; }

    /// <summary>True between the driver's DRIVER_OK and its next reset (a re-initialisation, or giving up).</summary>
    public bool DriverReady { get; set; }

    /// <summary>The device's DEVICE_NEEDS_RESET reason while it is in that state, otherwise null.</summary>
    public string? NeedsResetReason { get; set; }

    /// <summary>Why a blk device's backend stopped for good (too many restarts, its store failed), or null.</summary>
    public string? BackendStopped { get; set; }

    /// <summary>Why the device's journal stopped (its store failed), or null.</summary>
    public string? JournalStopped { get; set; }
}
