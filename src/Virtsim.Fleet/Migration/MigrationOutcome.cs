namespace Virtsim.Fleet.Migration;

/// <summary>How a migration ended (report names in <see cref="MigrationNames"/>).</summary>
public enum MigrationOutcome
{
    /// <summary>The VM runs at the destination with all its memory and devices.</summary>
    Completed,

    /// <summary>The migration stopped before switchover (destination crash, link failure); the VM runs on at the source.</summary>
    Failed,

    /// <summary>Refused before it started: the destination cannot present the source's negotiated features or config.</summary>
    Refused,

    /// <summary>The destination refused the device state at switchover; the VM was resumed at the source.</summary>
    RolledBack,

    /// <summary>The source crashed during post-copy: the only copy of some pages is gone, and so is the VM (as QEMU warns).</summary>
    VmLost,
}
