namespace Virtsim.Hosting.Cluster;

/// <summary>The <c>virtsim.cluster.failure-detector</c> section: Akka.Cluster's phi accrual failure detector.</summary>
public sealed record FailureDetectorSettings
{
    /// <summary>How often heartbeats are sent.</summary>
    public required TimeSpan HeartbeatInterval { get; init; }

    /// <summary>The phi threshold.</summary>
    public required double Threshold { get; init; }

    /// <summary>Silence tolerated before phi climbs.</summary>
    public required TimeSpan AcceptableHeartbeatPause { get; init; }

    /// <summary>When a first heartbeat that never came counts as missed.</summary>
    public required TimeSpan ExpectedResponseAfter { get; init; }
}
