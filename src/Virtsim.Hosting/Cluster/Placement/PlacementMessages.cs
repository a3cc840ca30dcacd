using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>
/// Asks a node's <see cref="PlacementHost"/> to build devices and blk backends of a run whose world another node runs
/// (the node at <paramref name="WorldAddress"/>); answered by <see cref="ActorsPlaced"/>.
/// </summary>
/// <param name="RunId">The run (names the actors; used to release them).</param>
/// <param name="ScenarioJson">The scenario, resolved, as the world's node loaded it (each node builds the same plans from it).</param>
/// <param name="Source">Where the scenario came from (for messages).</param>
/// <param name="PersistencePrefix">The persistence id prefix when the scenario persists, else null.</param>
/// <param name="SnapshotEvery">Snapshot policy of the persistent actors.</param>
/// <param name="DeleteAfterSnapshot">Delete what a snapshot covers.</param>
/// <param name="WorldAddress">The Akka address of the node running the hosts (where DMA and frames go).</param>
/// <param name="Items">What to build.</param>
public sealed record PlaceActors(string RunId, string ScenarioJson, string Source, string? PersistencePrefix, int SnapshotEvery, bool DeleteAfterSnapshot,
    string WorldAddress, IReadOnlyList<PlacementItem> Items) : IAdminMessage;

/// <summary>One device or blk backend to build.</summary>
/// <param name="Path">The device's "host/vm/device".</param>
/// <param name="Backend">True: the device's blk backend alone; false: the device (with its backend as a child unless <paramref name="BackendActorPath"/>).</param>
/// <param name="BackendActorPath">A device: the full actor path of its backend on another node, or null.</param>
public sealed record PlacementItem(string Path, bool Backend, string? BackendActorPath);

/// <summary>The answer to <see cref="PlaceActors"/>: the actors built, or why not.</summary>
/// <param name="Node">The node's address.</param>
/// <param name="Actors">Each item's actor, full path with the node's address.</param>
/// <param name="Error">Why nothing was built, or null.</param>
public sealed record ActorsPlaced(string Node, IReadOnlyList<PlacedActor> Actors, string? Error) : IAdminMessage;

/// <summary>An actor a node built for a run.</summary>
/// <param name="Path">The device's "host/vm/device".</param>
/// <param name="Backend">True for a blk backend, false for a device.</param>
/// <param name="ActorPath">Its full actor path.</param>
public sealed record PlacedActor(string Path, bool Backend, string ActorPath);

/// <summary>Asks for the checksums of blocks of a placed disk (the run's check of acknowledged writes); answered by <see cref="BlockChecksumsReply"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Path">The blk device.</param>
/// <param name="Blocks">The blocks, in the order their checksums are wanted.</param>
public sealed record BlockChecksumsQuery(string RunId, string Path, IReadOnlyList<long> Blocks) : IAdminMessage;

/// <summary>The checksums asked for (0: unreadable), or why there are none.</summary>
/// <param name="Checksums">One per block asked.</param>
/// <param name="Error">Why not, or null.</param>
public sealed record BlockChecksumsReply(IReadOnlyList<ulong> Checksums, string? Error) : IAdminMessage;

/// <summary>The run is over: stop its actors on this node; answered by <see cref="PlacedReleased"/> with their counters.</summary>
/// <param name="RunId">The run.</param>
public sealed record ReleasePlaced(string RunId) : IAdminMessage;

/// <summary>The counters of a run's actors on one node (added to the run's report).</summary>
/// <param name="Counters">Counter name to value.</param>
public sealed record PlacedReleased(IReadOnlyDictionary<string, long> Counters) : IAdminMessage;

/// <summary>
/// The blk backend of the placed device <paramref name="Path"/> was rebuilt at <paramref name="BackendActorPath"/> after
/// its node was lost: the device this node runs for the run sends to it from now on (<c>SwitchBackend</c>).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Path">The device's "host/vm/device".</param>
/// <param name="BackendActorPath">The rebuilt backend's full actor path.</param>
public sealed record SwitchPlacedBackend(string RunId, string Path, string BackendActorPath) : IAdminMessage;
