namespace Virtsim.Experiments.Conformance;

/// <summary>What one peer did with one case.</summary>
/// <param name="Case">The case.</param>
/// <param name="Peer">The peer.</param>
/// <param name="Verdict">The verdict, or null when the case does not apply to the peer (a feature it lacks).</param>
/// <param name="Reason">Why: the observation behind the verdict.</param>
/// <param name="PeerOutput">The last lines the peer printed.</param>
/// <param name="Duration">How long the case took.</param>
public sealed record CaseResult(ConformanceCase Case, ConformancePeer Peer, Verdict? Verdict, string Reason, IReadOnlyList<string> PeerOutput, TimeSpan Duration)
{
    /// <summary>True when a Virtsim peer did not reject the case (a failure of the suite).</summary>
    public bool Fails => Peer.IsVirtsim() && Verdict is { } v && v != Conformance.Verdict.Rejected;
}
