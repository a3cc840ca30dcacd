namespace Virtsim.Fleet.Migration;

/// <summary>
/// The outcome of <see cref="PreCopyRule"/> after a round: what to do, why, the threshold that was applied and the
/// downtime a stop-and-copy would take now.
/// </summary>
/// <param name="Action">Continue, stop and copy, or (hybrid) switch to post-copy.</param>
/// <param name="Reason">Why the rounds ended; <see cref="PreCopyStopReason.None"/> with <see cref="PreCopyAction.Continue"/>.</param>
/// <param name="ThresholdBytes">bandwidth x downtime limit: the most a stop-and-copy may send.</param>
/// <param name="EstimatedDowntime">dirty bytes / bandwidth: how long a stop-and-copy would keep the VM stopped.</param>
public readonly record struct PreCopyDecision(
    PreCopyAction Action, PreCopyStopReason Reason, double ThresholdBytes, TimeSpan EstimatedDowntime)
{
    /// <summary>True unless another live round follows.</summary>
    public bool Stops => Action != PreCopyAction.Continue;
}
