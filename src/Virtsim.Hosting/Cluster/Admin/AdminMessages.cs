namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>Asks a node for the cluster as it sees it, with every reachable member's <see cref="NodeInfo"/>; answered by <see cref="ClusterStatus"/>.</summary>
public sealed record StatusQuery : IAdminMessage;

/// <summary>
/// Asks a node for the membership alone, answered at once by a <see cref="ClusterStatus"/> without members'
/// <see cref="NodeInfo"/> (a status query waits for every reachable member's, up to 3 s for a dead one not yet
/// found unreachable): what a watcher polls.
/// </summary>
public sealed record MembersQuery : IAdminMessage;

/// <summary>Asks a node about itself; answered by <see cref="NodeInfo"/>.</summary>
public sealed record NodeInfoQuery : IAdminMessage;

/// <summary>Asks a node to make the member at <paramref name="Address"/> leave gracefully; answered by <see cref="LeaveResult"/>.</summary>
/// <param name="Address">The member's Akka address (<c>akka.tcp://name@host:port</c>).</param>
public sealed record LeaveCommand(string Address) : IAdminMessage;

/// <summary>The outcome of a <see cref="LeaveCommand"/>.</summary>
/// <param name="Address">The member.</param>
/// <param name="Removed">True when the member was removed (its shards handed off); false when only the leave started (the answering node was the one leaving).</param>
/// <param name="Error">Why the leave could not be asked, or null.</param>
public sealed record LeaveResult(string Address, bool Removed, string? Error) : IAdminMessage;

/// <summary>One member as a node sees it.</summary>
/// <param name="Address">Akka address.</param>
/// <param name="Status">Akka member status (Joining, Up, Leaving, Exiting, Down, Removed, WeaklyUp).</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Reachable">False when some member observes it unreachable.</param>
/// <param name="Info">What the member says of itself, or null when it did not answer.</param>
public sealed record MemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, NodeInfo? Info);

/// <summary>The answer to <see cref="StatusQuery"/>.</summary>
/// <param name="AnsweredBy">The address of the node that answered.</param>
/// <param name="Leader">The leader's address, or null.</param>
/// <param name="Members">Every member, by address.</param>
public sealed record ClusterStatus(string AnsweredBy, string? Leader, IReadOnlyList<MemberView> Members) : IAdminMessage;

/// <summary>What a node says of itself.</summary>
/// <param name="Address">Its Akka address.</param>
/// <param name="Name">Its node name (<c>virtsim.node.name</c>).</param>
/// <param name="ProcessId">Its operating-system process id.</param>
/// <param name="Regions">The entities its shard regions host now.</param>
/// <param name="Placed">The devices and blk backends it runs for runs of other nodes ("host/vm/device device" or "... backend"), or null.</param>
public sealed record NodeInfo(string Address, string Name, int ProcessId, IReadOnlyList<RegionEntities> Regions, IReadOnlyList<string>? Placed = null) : IAdminMessage;

/// <summary>The entities one shard region of a node hosts.</summary>
/// <param name="TypeName">The entity type (shard region name), e.g. <c>virtsim-probe</c>.</param>
/// <param name="Shards">Its shards with their entities.</param>
public sealed record RegionEntities(string TypeName, IReadOnlyList<ShardEntities> Shards);

/// <summary>One shard and its entity ids.</summary>
/// <param name="ShardId">The shard id.</param>
/// <param name="EntityIds">The running entities.</param>
public sealed record ShardEntities(string ShardId, IReadOnlyList<string> EntityIds);

/// <summary>
/// Asks a node with <c>virtsim.cluster.test.partition-control</c> on to drop all traffic, both ways, with the members
/// at <paramref name="Peers"/> (Akka.Remote's throttler in blackhole mode), or with <paramref name="Heal"/> to let
/// it through again; answered by <see cref="PartitionResult"/>.
/// </summary>
/// <param name="Peers">The members' Akka addresses.</param>
/// <param name="Heal">True to let the traffic through again.</param>
public sealed record PartitionCommand(IReadOnlyList<string> Peers, bool Heal) : IAdminMessage;

/// <summary>The outcome of a <see cref="PartitionCommand"/>.</summary>
/// <param name="Node">The address of the node that applied it.</param>
/// <param name="Error">Why it could not be applied, or null.</param>
public sealed record PartitionResult(string Node, string? Error) : IAdminMessage;
