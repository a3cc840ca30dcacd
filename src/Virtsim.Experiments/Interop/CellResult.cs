using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>What one cell did.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reason">Why, in words (for passed cells: what was verified).</param>
/// <param name="Negotiated">The features both sides agreed on (none when negotiation did not get that far).</param>
/// <param name="NegotiatedNames">Their names for the device type.</param>
/// <param name="Masked">Features the device offered and the driver wanted but masked for the device's quirks.</param>
/// <param name="MaskedNames">Their names.</param>
/// <param name="Traffic">What the traffic check moved and verified (empty when it did not run).</param>
/// <param name="Duration">Wall time of the cell.</param>
/// <param name="PeerOutput">
/// A real peer's process that crashed or stopped moving: its command line, then the last lines it printed (kept for
/// the report: the peer's own word on what happened). Null for every other cell.
/// </param>
public sealed record CellResult(InteropCell Cell, CellOutcome Outcome, string Reason, FeatureSet Negotiated, string NegotiatedNames,
    FeatureSet Masked, string MaskedNames, string Traffic, TimeSpan Duration, IReadOnlyList<string>? PeerOutput = null)
{
    /// <summary>True when the cell must pass (no expect-fail entry) and did not (an unavailable peer is not a failure).</summary>
    public bool UnexpectedFailure => Cell.ExpectFail is null && Outcome is not (CellOutcome.Passed or CellOutcome.Unavailable);

    /// <summary>True when the cell was expected to fail and passed.</summary>
    public bool UnexpectedPass => Cell.ExpectFail is not null && Outcome == CellOutcome.Passed;
}
