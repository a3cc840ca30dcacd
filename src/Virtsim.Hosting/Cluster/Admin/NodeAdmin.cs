using Akka.Actor;
using Virtsim.Fleet.World;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Virtsim.Hosting.Cluster.Probe;
using Virtsim.Hosting.Node;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// The control actor every node runs at <c>/user/virtsim-node</c>: answers status queries (the cluster as this node
/// sees it, with every member's own <see cref="NodeInfo"/>, gathered without blocking), makes members leave, forwards
/// probe messages to the local shard region, cuts the node off from named members in partition tests
/// (<see cref="PartitionSwitch"/>), and runs a scenario for a client (<see cref="ScenarioRunActor"/>).
/// </summary>
public sealed class NodeAdmin : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "virtsim-node";

    /// <summary>How long a node waits for another member's <see cref="NodeInfo"/> or a shard region's state.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    private readonly NodeSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Dictionary<Address, List<IActorRef>> _leaving = [];
    private IActorRef? _run;

    /// <summary>Creates the admin of a node with <paramref name="settings"/>.</summary>
    public NodeAdmin(NodeSettings settings)
    {
        _settings = settings;
        Receive<StatusQuery>(_ => Status().PipeTo(Sender));
        Receive<MembersQuery>(_ => Sender.Tell(Members()));
        Receive<NodeInfoQuery>(_ => Info().PipeTo(Sender));
        Receive<LeaveCommand>(Leave);
        Receive<ClusterEvent.MemberRemoved>(removed => Answer(removed.Member.Address, removed: true));
        Receive<IProbeMessage>(m => ClusterSharding.Get(Context.System).ShardRegion(ProbeEntity.TypeName).Forward(m));
        Receive<PartitionCommand>(p => PartitionSwitch.ApplyAsync(Context.System, p, _settings.Cluster.PartitionControl).PipeTo(Sender));
        Receive<RunScenario>(Run);
        Receive<CancelRun>(c => _run?.Forward(c));
        Receive<NodeKilled>(k => _run?.Forward(k));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_run)) _run = null;
        });
    }

    /// <summary>The props of the admin of a node with <paramref name="settings"/>.</summary>
    public static Props Props(NodeSettings settings) => Akka.Actor.Props.Create(() => new NodeAdmin(settings));

    /// <inheritdoc />
    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private ClusterStatus Members()
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var views = state.Members.OrderBy(m => m.Address, Member.AddressOrdering)
            .Select(m => new MemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
                !unreachable.Contains(m.Address), null))
            .ToList();
        return new ClusterStatus(_cluster.SelfAddress.ToString(), state.Leader?.ToString(), views);
    }

    private async Task<ClusterStatus> Status()
    {
        var state = _cluster.State;
        var system = Context.System;
        var self = _cluster.SelfAddress;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members.OrderBy(m => m.Address, Member.AddressOrdering).ToList();
        var infos = await Task.WhenAll(members.Select(async m =>
        {
            if (unreachable.Contains(m.Address) || m.Status is MemberStatus.Down or MemberStatus.Removed) return null;
            try
            {
                return await system.ActorSelection(new RootActorPath(m.Address) / "user" / Name)
                    .Ask<NodeInfo>(new NodeInfoQuery(), QueryTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return null;
            }
        })).ConfigureAwait(false);
        var views = members.Select((m, i) => new MemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
            !unreachable.Contains(m.Address), infos[i])).ToList();
        return new ClusterStatus(self.ToString(), state.Leader?.ToString(), views);
    }

    private async Task<NodeInfo> Info()
    {
        var system = Context.System;
        var sharding = ClusterSharding.Get(system);
        var regions = new List<RegionEntities>();
        foreach (string type in sharding.ShardTypeNames.OrderBy(t => t, StringComparer.Ordinal))
        {
            try
            {
                var state = await sharding.ShardRegion(type).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, QueryTimeout).ConfigureAwait(false);
                regions.Add(new RegionEntities(type, state.Shards
                    .OrderBy(s => s.ShardId, StringComparer.Ordinal)
                    .Select(s => new ShardEntities(s.ShardId, s.EntityIds.OrderBy(e => e, StringComparer.Ordinal).ToList()))
                    .ToList()));
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                regions.Add(new RegionEntities(type, []));
            }
        }
        IReadOnlyList<string> placed;
        try
        {
            placed = (await system.ActorSelection(system.UserGuardianPath().Child(Placement.PlacementHost.Name))
                .Ask<Placement.PlacedList>(new Placement.PlacedQuery(), QueryTimeout).ConfigureAwait(false)).Items;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            placed = [];
        }
        return new NodeInfo(_cluster.SelfAddress.ToString(), _settings.Name, Environment.ProcessId, regions, placed);
    }

    private void Leave(LeaveCommand command)
    {
        Address address;
        try
        {
            address = Address.Parse(command.Address);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            Sender.Tell(new LeaveResult(command.Address, false, $"'{command.Address}' is not an Akka address"));
            return;
        }
        if (!_cluster.State.Members.Any(m => m.Address.Equals(address)))
        {
            Sender.Tell(new LeaveResult(command.Address, false, $"{command.Address} is not a member of the cluster"));
            return;
        }
        _cluster.Leave(address);
        if (address.Equals(_cluster.SelfAddress))
        {
            // This node goes away with the leave: it cannot wait for its own removal.
            Sender.Tell(new LeaveResult(command.Address, false, null));
            return;
        }
        if (!_leaving.TryGetValue(address, out var waiting)) _leaving[address] = waiting = [];
        waiting.Add(Sender);
    }

    private void Answer(Address address, bool removed)
    {
        if (!_leaving.Remove(address, out var waiting)) return;
        foreach (var w in waiting) w.Tell(new LeaveResult(address.ToString(), removed, null));
    }

    private void Run(RunScenario run)
    {
        if (_run is not null)
        {
            Sender.Tell(new RunFinished(_cluster.SelfAddress.ToString(), null, "this node is already running a scenario"));
            return;
        }
        _run = Context.ActorOf(ScenarioRunActor.Props(run, Sender));
        Context.Watch(_run);
    }
}
