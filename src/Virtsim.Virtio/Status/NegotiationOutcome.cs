using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Status;

/// <summary>The typed outcome of checking the driver's features.</summary>
/// <param name="Verdict">Accepted or why not.</param>
/// <param name="Features">The driver's features that were checked.</param>
/// <param name="Offending">The bits that caused a <see cref="NegotiationVerdict.NotOffered"/> refusal; empty otherwise.</param>
/// <param name="Reason">A readable reason when refused; null when accepted.</param>
public readonly record struct NegotiationOutcome(NegotiationVerdict Verdict, FeatureSet Features, FeatureSet Offending, string? Reason)
{
    /// <summary>True when the features are accepted.</summary>
    public bool Accepted => Verdict == NegotiationVerdict.Accepted;
}
