namespace Virtsim.Experiments.Conformance;

/// <summary>How the suite runs: which peers and cases, and the time bounds of each step.</summary>
public sealed record ConformanceOptions
{
    /// <summary>The peers to run against.</summary>
    public IReadOnlyList<ConformancePeer> Peers { get; init; } = ConformancePeers.All;

    /// <summary>Only the cases whose id equals this or starts with it followed by nothing else (null: every case).</summary>
    public IReadOnlyList<string>? CaseIds { get; init; }

    /// <summary>How long the peer is watched after a violation before the follow-up.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How long a sane request (baseline, follow-up) may take.</summary>
    public TimeSpan ExchangeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a reply to a vhost-user request may take.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Device cases against a real driver: how long it may take until the fault is committed.</summary>
    public TimeSpan TriggerTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Device cases against a real driver: how long its traffic is watched after the fault.</summary>
    public TimeSpan DriverWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Lines of a peer's output kept with each result.</summary>
    public int OutputLines { get; init; } = 12;
}
