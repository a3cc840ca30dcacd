using Akka.Actor;

namespace Virtsim.Fleet.World;

/// <summary>
/// The world's actors that other nodes run (a cluster run whose scenario places devices or backends on nodes of
/// other roles), by device path ("host/vm/device"). A host builds everything else itself and uses these refs where it
/// would have created the actor: a placed endpoint reaches guest memory by DMA messages, a placed backend receives
/// its device's requests as messages.
/// </summary>
public sealed record RemoteActors
{
    /// <summary>Nothing placed elsewhere: every actor on the node that runs the world.</summary>
    public static RemoteActors None { get; } = new();

    /// <summary>Transport endpoints (devices) running on another node.</summary>
    public IReadOnlyDictionary<string, IActorRef> Endpoints { get; init; } = new Dictionary<string, IActorRef>();

    /// <summary>blk backends running on another node, for devices whose endpoint the host builds itself.</summary>
    public IReadOnlyDictionary<string, IActorRef> Backends { get; init; } = new Dictionary<string, IActorRef>();

    /// <summary>
    /// Builds the incoming incarnation of a placed device that arrives at a host by migration on the node of the
    /// device's role (not under the destination host), and returns it; null when the scenario does not place the
    /// device (the host builds it). Null: every arriving device is built by its destination host.
    /// </summary>
    public Func<IncomingPlacedDevice, IActorRef?>? Incoming { get; init; }

    /// <summary>
    /// The checksums of blocks of the disk of a device whose disk another node holds (its endpoint or backend placed
    /// there), in the order asked, as <see cref="PlacedActors.BlockChecksums"/> computes them; called after the run for
    /// the report's check of acknowledged writes. Null when nothing is placed.
    /// </summary>
    public Func<string, IReadOnlyList<long>, ulong[]>? BlockChecksums { get; init; }

    /// <summary>The counters of the placed actors (other nodes' runs), added to the report's; called after the run. Null: none.</summary>
    public Func<IReadOnlyDictionary<string, long>>? Counters { get; init; }

    /// <summary>True when the disk of the device at <paramref name="path"/> lives on another node.</summary>
    public bool HoldsDisk(string path) => Endpoints.ContainsKey(path) || Backends.ContainsKey(path);
}
