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

    /// <summary>
    /// How long after a member's removal its shards and singletons may start on the survivors; null: as
    /// <see cref="StableAfter"/> (Akka's rule when <c>akka.cluster.down-removal-margin</c> is off).
    /// </summary>
    public TimeSpan? DownRemovalMargin { get; init; }

    /// <summary>The margin in effect.</summary>
    public TimeSpan EffectiveDownRemovalMargin => DownRemovalMargin ?? StableAfter;
}
