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

    /// <summary>
    /// Places what <paramref name="spec"/> places on other members, for the run <paramref name="run"/>, and starts its
    /// failover (<see cref="PlacedFailoverActor"/>, stopped when the counters are read after the run).
    /// </summary>
    /// <param name="system">The world's node's actor system.</param>
    /// <param name="spec">The scenario.</param>
    /// <param name="run">The run.</param>
    /// <param name="placed">Called with the run's placement state before the world is built (a killed node's time goes there).</param>
    /// <exception cref="PlacementException">No Up member has a role the placement names, or a node refused.</exception>
    public static RemoteActors Place(ActorSystem system, WorldSpec spec, RunScenario run, Action<PlacedRun>? placed = null)
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
        var state = new PlacedRun(Guid.NewGuid().ToString("N")[..12], run, self);
        placed?.Invoke(state);
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

        foreach (var group in backendNodes.GroupBy(b => b.Value))
            foreach (var actor in Ask(system, group.Key, state, [.. group.Select(b => new PlacementItem(b.Key, true, null))]))
                state.BackendOn(actor.Path, group.Key, actor.ActorPath);
        var endpoints = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var group in deviceNodes.GroupBy(d => d.Value))
            foreach (var actor in Ask(system, group.Key, state, [.. group.Select(d => new PlacementItem(d.Key, false, state.BackendPath(d.Key)))]))
            {
                endpoints[actor.Path] = Resolve(system, actor.ActorPath);
                state.DeviceOn(actor.Path, group.Key);
            }
        var backends = backendNodes.Keys.Where(path => !deviceNodes.ContainsKey(path))
            .ToDictionary(path => path, path => Resolve(system, state.BackendPath(path)!), StringComparer.Ordinal);
        // Devices and backends of a member that is lost during the run are rebuilt on a survivor.
        var failover = system.ActorOf(PlacedFailoverActor.Props(state, spec), $"virtsim-failover-{state.RunId}");

        return new RemoteActors
        {
            Endpoints = endpoints,
            Backends = backends,
            Incoming = d => state.DeviceNode(d.Plan.Path) is { } node ? Arriving(system, node, state, d) : null,
            BlockChecksums = (path, blocks) => Checksums(system, state.DiskNode(path), state.RunId, path, blocks),
            Counters = () =>
            {
                system.Stop(failover);
                var counters = Release(system, state.LiveNodes(), state.RunId);
                foreach (var (name, value) in state.Counters()) counters[name] = value;
                return counters;
            },
        };
    }

    /// <summary>Asks the <see cref="PlacementHost"/> of <paramref name="node"/> to build <paramref name="items"/> for <paramref name="run"/>.</summary>
    /// <exception cref="PlacementException">The node refused.</exception>
    internal static IReadOnlyList<PlacedActor> Ask(ActorSystem system, Address node, PlacedRun run, IReadOnlyList<PlacementItem> items)
    {
        run.Use(node);
        var r = run.Scenario;
        var placed = Host(system, node).Ask<ActorsPlaced>(new PlaceActors(run.RunId, r.ScenarioJson, r.Source, r.PersistencePrefix, r.SnapshotEvery,
            r.DeleteAfterSnapshot, run.World.ToString(), items), AskTimeout).GetAwaiter().GetResult();
        return placed.Error is null ? placed.Actors : throw new PlacementException($"{node} did not place the actors: {placed.Error}");
    }

    // A placed device arriving at a host by migration is built on its role's node, under that node's placement host by a
    // name chosen here, so that its ref is known at once (the host's call must not block on a remote answer). Nothing
    // reaches it before it answers the migration: the host registers it and the migration waits for its DeviceAdopted.
    private static IActorRef Arriving(ActorSystem system, Address node, PlacedRun run, IncomingPlacedDevice d)
    {
        run.Use(node);
        string runId = run.RunId;
        var self = run.World;
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

    internal static IActorRef Resolve(ActorSystem system, string path) => ((ExtendedActorSystem)system).Provider.ResolveActorRef(ActorPath.Parse(path));
}
