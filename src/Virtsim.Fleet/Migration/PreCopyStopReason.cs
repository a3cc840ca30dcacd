namespace Virtsim.Fleet.Migration;

/// <summary>Why pre-copy's live rounds ended (<see cref="None"/> while they go on).</summary>
public enum PreCopyStopReason
{
    /// <summary>Not stopped: another round follows.</summary>
    None,

    /// <summary>What is left fits the downtime limit at the bandwidth (QEMU's switchover rule).</summary>
    Converged,

    /// <summary><see cref="MigrationSettings.MaxRounds"/> rounds were sent without converging: stop anyway.</summary>
    MaxRounds,

    /// <summary>Hybrid: <see cref="MigrationSettings.PostCopyAfterRounds"/> rounds were sent; post-copy takes over.</summary>
    PostCopySwitch,
}
