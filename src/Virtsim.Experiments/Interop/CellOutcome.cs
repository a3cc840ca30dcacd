namespace Virtsim.Experiments.Interop;

/// <summary>How a matrix cell ended.</summary>
public enum CellOutcome
{
    /// <summary>The device came up and the traffic check verified every byte both ways.</summary>
    Passed,
    /// <summary>The device refused the accepted features (FEATURES_OK did not stick).</summary>
    RefusedFeaturesOk,
    /// <summary>The device set DEVICE_NEEDS_RESET (the cause is in the reason).</summary>
    NeedsReset,
    /// <summary>Data came back different from what was written or sent, or frames were lost or duplicated.</summary>
    DataMismatch,
    /// <summary>The driver saw no progress within the bound (no used buffer, no interrupt, a stalled peer).</summary>
    Timeout,
    /// <summary>A real peer's process died.</summary>
    PeerCrashed,
    /// <summary>Anything else (a refused vhost-user request, a set-up error); the reason says what.</summary>
    Failed,
    /// <summary>The peer is not installed: the cell did not run (the reason says how to install it).</summary>
    Unavailable,
}

/// <summary>Report names of <see cref="CellOutcome"/>.</summary>
public static class CellOutcomes
{
    /// <summary>Every outcome, in report order.</summary>
    public static IReadOnlyList<CellOutcome> All { get; } = Enum.GetValues<CellOutcome>();

    /// <summary>passed, refused-features-ok, needs-reset, data-mismatch, timeout, peer-crashed, failed, unavailable.</summary>
    public static string Name(this CellOutcome outcome) => outcome switch
    {
        CellOutcome.Passed => "passed",
        CellOutcome.RefusedFeaturesOk => "refused-features-ok",
        CellOutcome.NeedsReset => "needs-reset",
        CellOutcome.DataMismatch => "data-mismatch",
        CellOutcome.Timeout => "timeout",
        CellOutcome.PeerCrashed => "peer-crashed",
        CellOutcome.Failed => "failed",
        _ => "unavailable",
    };
}
