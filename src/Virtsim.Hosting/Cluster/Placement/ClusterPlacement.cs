using Akka.Actor;
using Akka.Cluster;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.World;
using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>
/// The world's node's side of placement: before the world is built, it asks the <see cref="PlacementHost"/> of a
/// member with each role the scenario's <c>placement</c> names (the first Up member of the role by address) to build
/// the devices and blk backends placed there (backends first, so that a device gets its backend's ref), and hands
/// the refs to the hosts as <see cref="RemoteActors"/>; after the run, it reads the placed disks' checksums and
/// releases the actors with their counters. Blocks the calling thread (the run's own) on each answer.
/// </summary>
public static class ClusterPlacement
{
    /// <summary>How long a node may take to answer a placement, checksum or release request.</summary>
    public static TimeSpan AskTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Most blocks per checksum request (keeps a reply well below Akka.Remote's frame size).</summary>
    public const int BlocksPerQuery = 1000;

    /// <summary>Places what <paramref name="spec"/> places on other members, for the run <paramref name="run"/>.</summary>
    /// <exception cref="PlacementException">No Up member has a role the placement names, or a node refused.</exception>
    public static RemoteActors Place(ActorSystem system, WorldSpec spec, RunScenario run)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var self = cluster.SelfAddress;
        var up = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m.Address, Member.AddressOrdering).ToList();
        Address NodeOf(string role) => role == PlacementSpec.Hosts
            ? self
            : up.FirstOrDefault(m => m.HasRole(role))?.Address ?? throw new PlacementException($"the scenario places actors on role '{role}', and no Up member has it");
        string runId = Guid.NewGuid().ToString("N")[..12];
        var placement = spec.Placement;
        var deviceNodes = new Dictionary<string, Address>(StringComparer.Ordinal);
        var backendNodes = new Dictionary<string, Address>(StringComparer.Ordinal);
        foreach (var (host, vm, device) in spec.AllDevices())
        {
            string path = $"{host.Name}/{vm.Name}/{device.Name}";
            var node = NodeOf(placement.DeviceRole(path));
            if (!node.Equals(self)) deviceNodes[path] = node;
            if (device.Kind == DeviceKind.Blk && placement.BackendRole(path) is { } role && !NodeOf(role).Equals(node)) backendNodes[path] = NodeOf(role);
        }

        var used = new HashSet<Address>();
        var backendPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in backendNodes.GroupBy(b => b.Value))
            foreach (var actor in Ask(system, group.Key, run, runId, self, [.. group.Select(b => new PlacementItem(b.Key, true, null))], used))
                backendPaths[actor.Path] = actor.ActorPath;
        var endpoints = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var group in deviceNodes.GroupBy(d => d.Value))
            foreach (var actor in Ask(system, group.Key, run, runId, self,
                         [.. group.Select(d => new PlacementItem(d.Key, false, backendPaths.GetValueOrDefault(d.Key)))], used))
                endpoints[actor.Path] = Resolve(system, actor.ActorPath);
        var backends = backendPaths.Where(b => !deviceNodes.ContainsKey(b.Key)).ToDictionary(b => b.Key, b => Resolve(system, b.Value), StringComparer.Ordinal);

        return new RemoteActors
        {
            Endpoints = endpoints,
            Backends = backends,
            Incoming = d => deviceNodes.TryGetValue(d.Plan.Path, out var node) ? Arriving(system, node, runId, self, d, used) : null,
            BlockChecksums = (path, blocks) => Checksums(system, backendNodes.TryGetValue(path, out var b) ? b : deviceNodes[path], runId, path, blocks),
            Counters = () => Release(system, used, runId),
        };
    }

    private static IReadOnlyList<PlacedActor> Ask(ActorSystem system, Address node, RunScenario run, string runId, Address self,
        IReadOnlyList<PlacementItem> items, HashSet<Address> used)
    {
        used.Add(node);
        var placed = Host(system, node).Ask<ActorsPlaced>(new PlaceActors(runId, run.ScenarioJson, run.Source, run.PersistencePrefix, run.SnapshotEvery,
            run.DeleteAfterSnapshot, self.ToString(), items), AskTimeout).GetAwaiter().GetResult();
        return placed.Error is null ? placed.Actors : throw new PlacementException($"{node} did not place the actors: {placed.Error}");
    }

    // A placed device arriving at a host by migration is built on its role's node, under that node's placement host by a
    // name chosen here, so that its ref is known at once (the host's call must not block on a remote answer). Nothing
    // reaches it before it answers the migration: the host registers it and the migration waits for its DeviceAdopted.
    private static IActorRef Arriving(ActorSystem system, Address node, string runId, Address self, IncomingPlacedDevice d, HashSet<Address> used)
    {
        lock (used) used.Add(node);
        string name = $"{runId}-in-{d.Name}";
        var offer = d.Offer ?? default;
        Host(system, node).Tell(new PlaceIncoming(runId, d.Plan.Path, name, d.Name, d.Vm.Pasid, d.Plan.Spec.Profile.Name, d.Host.Path.ToStringWithAddress(self),
            d.Migration.Migration.Path.ToStringWithAddress(self), d.Migration.Device, d.Migration.Refuse, offer.Low, offer.High, d.Offer is not null));
        return Resolve(system, (new RootActorPath(node) / "user" / PlacementHost.Name / name).ToString());
    }

    private static ulong[] Checksums(ActorSystem system, Address node, string runId, string path, IReadOnlyList<long> blocks)
    {
        var sums = new List<ulong>(blocks.Count);
        for (int from = 0; from < blocks.Count; from += BlocksPerQuery)
        {
            var chunk = blocks.Skip(from).Take(BlocksPerQuery).ToList();
            var reply = Host(system, node).Ask<BlockChecksumsReply>(new BlockChecksumsQuery(runId, path, chunk), AskTimeout).GetAwaiter().GetResult();
            if (reply.Error is not null) throw new PlacementException($"{node}: {reply.Error}");
            sums.AddRange(reply.Checksums);
        }
        return [.. sums];
    }

    private static Dictionary<string, long> Release(ActorSystem system, IEnumerable<Address> nodes, string runId)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var released = Host(system, node).Ask<PlacedReleased>(new ReleasePlaced(runId), AskTimeout).GetAwaiter().GetResult();
            foreach (var (name, value) in released.Counters) counters[name] = counters.GetValueOrDefault(name) + value;
        }
        return counters;
    }

    private static ActorSelection Host(ActorSystem system, Address node) => system.ActorSelection(new RootActorPath(node) / "user" / PlacementHost.Name);

    private static IActorRef Resolve(ActorSystem system, string path) => ((ExtendedActorSystem)system).Provider.ResolveActorRef(ActorPath.Parse(path));
}
