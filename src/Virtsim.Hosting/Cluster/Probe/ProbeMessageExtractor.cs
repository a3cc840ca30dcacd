using Akka.Cluster.Sharding;

namespace Virtsim.Hosting.Cluster.Probe;

/// <summary>Routes <see cref="IProbeMessage"/>s to their entity, over a fixed number of shards.</summary>
public sealed class ProbeMessageExtractor : HashCodeMessageExtractor
{
    /// <summary>Creates the extractor for <paramref name="shards"/> shards.</summary>
    public ProbeMessageExtractor(int shards) : base(shards) { }

    /// <inheritdoc />
    public override string? EntityId(object message) => (message as IProbeMessage)?.EntityId;
}
