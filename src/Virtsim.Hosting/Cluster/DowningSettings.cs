namespace Virtsim.Hosting.Cluster;

/// <summary>The <c>virtsim.cluster.split-brain-resolver</c> section (keep-majority).</summary>
public sealed record DowningSettings
{
    /// <summary>How long the membership must stay unchanged before the resolver decides.</summary>
    public required TimeSpan StableAfter { get; init; }

    /// <summary>
    /// Down every member when flapping lasts this long beyond <see cref="StableAfter"/>; null: never.
    /// </summary>
    public TimeSpan? DownAllWhenUnstable { get; init; }
}
