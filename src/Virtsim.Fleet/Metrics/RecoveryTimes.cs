namespace Virtsim.Fleet.Metrics;

/// <summary>How long device recoveries took: virtual time from the crash until the device served again, and wall time.</summary>
/// <param name="Count">Recoveries recorded.</param>
/// <param name="VirtualMean">Mean virtual recovery time (zero when none).</param>
/// <param name="VirtualMax">Longest virtual recovery time.</param>
/// <param name="WallMean">Mean wall-clock recovery time (the restart, the journal reads and the restore).</param>
/// <param name="WallMax">Longest wall-clock recovery time.</param>
public readonly record struct RecoveryTimes(long Count, TimeSpan VirtualMean, TimeSpan VirtualMax, TimeSpan WallMean, TimeSpan WallMax);
