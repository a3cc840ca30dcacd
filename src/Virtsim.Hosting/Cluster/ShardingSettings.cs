namespace Virtsim.Hosting.Cluster;

/// <summary>The <c>virtsim.cluster.sharding</c> section.</summary>
public sealed record ShardingSettings
{
    /// <summary>Restart a lost node's entities on the survivors without waiting for a message.</summary>
    public required bool RememberEntities { get; init; }

    /// <summary>Shards per entity type.</summary>
    public required int Shards { get; init; }

    /// <summary>How long a leaving node's shards may take to hand off.</summary>
    public required TimeSpan HandoffTimeout { get; init; }

    /// <summary>How often the coordinator considers rebalancing.</summary>
    public required TimeSpan RebalanceInterval { get; init; }

    /// <summary>Retry interval of regions and coordinator registration.</summary>
    public required TimeSpan RetryInterval { get; init; }

    /// <summary>The role hosting the diagnostic probe entity; null: every node.</summary>
    public string? ProbeRole { get; init; }
}
