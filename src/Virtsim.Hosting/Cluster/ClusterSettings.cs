namespace Virtsim.Hosting.Cluster;

/// <summary>
/// The <c>virtsim.cluster</c> section of a node file as plain data: the node's address, its seeds and roles, TLS,
/// and the failure detection, downing and sharding timings (read by <see cref="ClusterSettingsLoader"/>, turned into
/// Akka.NET configuration by <see cref="ClusterAkkaConfig"/>).
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The actor system name every member shares.</summary>
    public required string Name { get; init; }

    /// <summary>The address the node listens on.</summary>
    public required string Hostname { get; init; }

    /// <summary>The TCP port (0: any free port).</summary>
    public required int Port { get; init; }

    /// <summary>Where the other nodes reach this one (the hostname unless set).</summary>
    public required string PublicHostname { get; init; }

    /// <summary>The seed nodes, in order; empty means this node alone.</summary>
    public required IReadOnlyList<SeedNode> SeedNodes { get; init; }

    /// <summary>The node's roles (each one of <see cref="NodeRoles.Known"/>).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>How long the node waits to become Up.</summary>
    public required TimeSpan JoinTimeout { get; init; }

    /// <summary>Akka.Remote over TLS, or null for plain TCP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>The failure detector.</summary>
    public required FailureDetectorSettings FailureDetector { get; init; }

    /// <summary>The split-brain resolver.</summary>
    public required DowningSettings Downing { get; init; }

    /// <summary>Sharding.</summary>
    public required ShardingSettings Sharding { get; init; }

    /// <summary>
    /// For tests: Akka.Remote's throttler adapter under the transport, so that <c>virtsim cluster partition</c> can
    /// blackhole this node's traffic with named members (<c>virtsim.cluster.test.partition-control</c>). Every
    /// member and client of a cluster must agree on it: it changes the address scheme.
    /// </summary>
    public bool PartitionControl { get; init; }

    /// <summary>
    /// The Akka.NET address scheme: <c>akka.ssl.tcp</c> with TLS, else <c>akka.tcp</c>; with partition control the
    /// throttler adds itself (<c>akka.trttl.tcp</c>, <c>akka.trttl.ssl.tcp</c>).
    /// </summary>
    public string Scheme => (PartitionControl ? "akka.trttl." : "akka.") + (Tls is null ? "tcp" : "ssl.tcp");

    /// <summary>This node as a seed address (its public host name and port).</summary>
    public SeedNode Self => new(PublicHostname, Port);

    /// <summary>The seeds in effect: the configured ones, or this node alone.</summary>
    public IReadOnlyList<SeedNode> EffectiveSeeds => SeedNodes.Count > 0 ? SeedNodes : [Self];

    /// <summary>True when a seed other than this node is named: the node shares the cluster (and its store) with others.</summary>
    public bool HasOtherMembers => SeedNodes.Any(s => s != Self);

    /// <summary>The Akka.NET address of <paramref name="node"/> in this cluster (<c>akka.tcp://NAME@host:port</c>).</summary>
    public string AddressOf(SeedNode node) => $"{Scheme}://{Name}@{node}";

    /// <summary>Equal when every setting is, the seed and role lists compared element by element.</summary>
    public bool Equals(ClusterSettings? other) =>
        other is not null && Name == other.Name && Hostname == other.Hostname && Port == other.Port && PublicHostname == other.PublicHostname
        && SeedNodes.SequenceEqual(other.SeedNodes) && Roles.SequenceEqual(other.Roles) && JoinTimeout == other.JoinTimeout
        && Equals(Tls, other.Tls) && PartitionControl == other.PartitionControl && FailureDetector == other.FailureDetector && Downing == other.Downing && Sharding == other.Sharding;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Hostname, Port, SeedNodes.Count, Roles.Count);
}
