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
/// Asks a node's <see cref="PlacementHost"/> to build the incoming incarnation of a placed device that arrives at a host
/// by migration (told, not asked: the device answers the migration itself once it recovered the snapshot).
/// </summary>
/// <param name="RunId">The run (whose <see cref="PlaceActors"/> gave this node the scenario).</param>
/// <param name="Path">The device's "host/vm/device" (its journal).</param>
/// <param name="Name">The actor's name under the placement host.</param>
/// <param name="EndpointName">The name the destination host gives the device (its net backend is named after it).</param>
/// <param name="Pasid">The VM's IOMMU domain on the destination host.</param>
/// <param name="Vendor">The device's vendor profile at the destination.</param>
/// <param name="HostPath">The destination host's full actor path.</param>
/// <param name="MigrationPath">The migration's full actor path.</param>
/// <param name="Device">The device's name in the VM.</param>
/// <param name="Refuse">A refusal the scenario injects, or null.</param>
/// <param name="OfferLow">The offered features, bits 0-63 (with <paramref name="HasOffer"/>).</param>
/// <param name="OfferHigh">The offered features, bits 64-127.</param>
/// <param name="HasOffer">False: the device offers its own features.</param>
public sealed record PlaceIncoming(string RunId, string Path, string Name, string EndpointName, uint Pasid, string Vendor, string HostPath,
    string MigrationPath, string Device, string? Refuse, ulong OfferLow, ulong OfferHigh, bool HasOffer) : IAdminMessage;

/// <summary>
/// The blk backend of the placed device <paramref name="Path"/> was rebuilt at <paramref name="BackendActorPath"/> after
/// its node was lost: the device this node runs for the run sends to it from now on (<c>SwitchBackend</c>).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Path">The device's "host/vm/device".</param>
/// <param name="BackendActorPath">The rebuilt backend's full actor path.</param>
public sealed record SwitchPlacedBackend(string RunId, string Path, string BackendActorPath) : IAdminMessage;
