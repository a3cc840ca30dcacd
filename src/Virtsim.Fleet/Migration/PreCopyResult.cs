namespace Virtsim.Fleet.Migration;

/// <summary>
/// What a pre-copy run (the analytical <see cref="PreCopyModel"/> or the page-level <see cref="PreCopySimulation"/>)
/// came to. Page and byte counts are doubles: the model's are expected values; the simulation's are whole numbers.
/// Memory only: device state, its bytes and its time, is the actors' to add.
/// </summary>
public sealed record PreCopyResult
{
    /// <summary>The mode run.</summary>
    public required MigrationMode Mode { get; init; }

    /// <summary>Live rounds sent while the guest ran, round 0 included (0 for post-copy).</summary>
    public required int Rounds { get; init; }

    /// <summary>Why the rounds ended: converged, max rounds, or (hybrid, post-copy) the switch to post-copy.</summary>
    public required PreCopyStopReason StopReason { get; init; }

    /// <summary>Memory pages sent in all: live rounds, the stop-and-copy, and what post-copy brought.</summary>
    public required double PagesSent { get; init; }

    /// <summary>Pages sent more than once: everything after round 0 (round 0 sends every page).</summary>
    public required double PagesResent { get; init; }

    /// <summary>Pages sent while the VM was stopped (0 when post-copy took over).</summary>
    public required double StopAndCopyPages { get; init; }

    /// <summary>Pages left to post-copy (all memory for post-copy, the last round's dirty pages for hybrid's switch).</summary>
    public required double PostCopyPages { get; init; }

    /// <summary>The VM's stop for memory: the stop-and-copy's pages / bandwidth (zero when post-copy took over).</summary>
    public required TimeSpan Downtime { get; init; }

    /// <summary>Start to the last page at the destination: the rounds, the stop-and-copy, then post-copy's pages at the bandwidth.</summary>
    public required TimeSpan TotalTime { get; init; }

    /// <summary>The auto-converge throttle at the end (0 when off or never triggered).</summary>
    public required int FinalThrottlePercent { get; init; }

    /// <summary>Each live round in order.</summary>
    public required IReadOnlyList<PreCopyRound> RoundLog { get; init; }

    /// <summary>Memory bytes sent in all (<see cref="PagesSent"/> x 4 KiB).</summary>
    public double BytesSent => PagesSent * GuestDirtier.PageSize;
}
