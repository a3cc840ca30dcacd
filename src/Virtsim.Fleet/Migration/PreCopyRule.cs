namespace Virtsim.Fleet.Migration;

/// <summary>
/// QEMU's switchover rule for pre-copy, as a pure function. QEMU (migration/migration.c, migration_update_counters)
/// keeps <c>threshold_size = bandwidth x downtime_limit</c>, and after each sync of the dirty bitmap (the end of a
/// round) completes when what is pending is below it (migration_iteration_run); the expected downtime it reports is
/// dirty bytes / bandwidth. Virtsim adds what QEMU leaves to the operator: stop after
/// <see cref="MigrationSettings.MaxRounds"/> rounds anyway, and hybrid's switch to post-copy.
/// </summary>
/// <remarks>
/// Differences from QEMU, on purpose: the comparison is "at most" (as the issue words it; QEMU 8/9 test
/// <c>pending &lt; threshold</c>, which differs only at exact equality), and "bandwidth" is whatever the caller
/// passes: QEMU uses the rate it measured over the last 100 ms (or <c>avail-switchover-bandwidth</c> when set), so
/// a caller whose link gives less than the migration's cap should pass the rate it achieved, not the cap.
/// </remarks>
public static class PreCopyRule
{
    /// <summary>bandwidth x downtime limit, in bytes: the most a stop-and-copy may send within the limit.</summary>
    public static double ThresholdBytes(double bandwidthBytesPerSecond, TimeSpan downtimeLimit)
    {
        CheckBandwidth(bandwidthBytesPerSecond);
        return bandwidthBytesPerSecond * downtimeLimit.Ticks / TimeSpan.TicksPerSecond;
    }

    /// <summary>dirty bytes / bandwidth: how long sending them keeps the VM stopped (rounded to the nearest tick).</summary>
    public static TimeSpan EstimatedDowntime(double dirtyBytes, double bandwidthBytesPerSecond)
    {
        CheckBandwidth(bandwidthBytesPerSecond);
        if (dirtyBytes < 0 || double.IsNaN(dirtyBytes)) throw new ArgumentOutOfRangeException(nameof(dirtyBytes), dirtyBytes, "dirty bytes must not be negative");
        return TransferTime(dirtyBytes, bandwidthBytesPerSecond);
    }

    /// <summary>
    /// The decision after <paramref name="roundsDone"/> live rounds (round 0, the full copy, counts as one) left
    /// <paramref name="dirtyBytes"/> dirty: stop and copy when they fit the threshold (converged; with nothing dirty
    /// always), else stop and copy when <paramref name="maxRounds"/> rounds are done, else continue.
    /// </summary>
    public static PreCopyDecision Decide(double dirtyBytes, double bandwidthBytesPerSecond, TimeSpan downtimeLimit, int roundsDone, int maxRounds) =>
        Decide(dirtyBytes, bandwidthBytesPerSecond, downtimeLimit, roundsDone, maxRounds, switchToPostCopyAfter: null);

    /// <summary>
    /// The decision with every rule of <paramref name="settings"/>: convergence first (a hybrid migration that
    /// converged completes as pre-copy, as QEMU checks completion before the post-copy switch), then hybrid's switch
    /// after <see cref="MigrationSettings.PostCopyAfterRounds"/>, then <see cref="MigrationSettings.MaxRounds"/>.
    /// The threshold uses <paramref name="bandwidthBytesPerSecond"/> (the rate achieved), not the settings' cap.
    /// </summary>
    public static PreCopyDecision Decide(double dirtyBytes, double bandwidthBytesPerSecond, int roundsDone, MigrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Mode == MigrationMode.PostCopy)
            throw new ArgumentException("post-copy has no pre-copy rounds to decide on", nameof(settings));
        int? switchAfter = settings.Mode == MigrationMode.Hybrid ? settings.PostCopyAfterRounds : null;
        return Decide(dirtyBytes, bandwidthBytesPerSecond, settings.DowntimeLimit, roundsDone, settings.MaxRounds, switchAfter);
    }

    private static PreCopyDecision Decide(double dirtyBytes, double bandwidth, TimeSpan downtimeLimit, int roundsDone, int maxRounds, int? switchToPostCopyAfter)
    {
        if (roundsDone < 1) throw new ArgumentOutOfRangeException(nameof(roundsDone), roundsDone, "the rule applies after a round: at least round 0 must be done");
        if (maxRounds < 1) throw new ArgumentOutOfRangeException(nameof(maxRounds), maxRounds, "max rounds must be at least 1");
        if (downtimeLimit < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(downtimeLimit), downtimeLimit, "the downtime limit must not be negative");
        var downtime = EstimatedDowntime(dirtyBytes, bandwidth);
        double threshold = ThresholdBytes(bandwidth, downtimeLimit);
        var (action, reason) =
            dirtyBytes == 0 || dirtyBytes <= threshold ? (PreCopyAction.StopAndCopy, PreCopyStopReason.Converged)
            : roundsDone >= switchToPostCopyAfter ? (PreCopyAction.SwitchToPostCopy, PreCopyStopReason.PostCopySwitch)
            : roundsDone >= maxRounds ? (PreCopyAction.StopAndCopy, PreCopyStopReason.MaxRounds)
            : (PreCopyAction.Continue, PreCopyStopReason.None);
        return new PreCopyDecision(action, reason, threshold, downtime);
    }

    /// <summary>bytes / bandwidth as a <see cref="TimeSpan"/>, rounded to the nearest tick.</summary>
    internal static TimeSpan TransferTime(double bytes, double bandwidthBytesPerSecond) =>
        TimeSpan.FromTicks((long)Math.Round(bytes / bandwidthBytesPerSecond * TimeSpan.TicksPerSecond));

    private static void CheckBandwidth(double bandwidth)
    {
        if (!(bandwidth > 0) || double.IsInfinity(bandwidth))
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "bandwidth must be a positive number of bytes per second");
    }
}
