using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.World;

namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>
/// On the world's node, for one run: when a member that ran placed devices is removed from the cluster (unreachable,
/// then downed by the split-brain resolver), rebuilds each of its devices on the first Up member with the device's
/// role, else on the world's node (its <see cref="PlacementHost"/>), where it recovers from the shared journal; then
/// tells the device's host to use the rebuilt one (<see cref="PlacedActorRebuilt"/>) and records the time from the kill
/// (or from when the member was seen unreachable) to the rebuilt device's first served request. A blk backend placed
/// apart from its device is rebuilt likewise (first, on a member of its role), and its device, if it lives on, sends to
/// the new one (<see cref="SwitchPlacedBackend"/> to the device's node, or <see cref="PlacedBackendRebuilt"/> to its
/// host). The rebuilding asks block, so they run on a task of their own, one lost member at a time.
/// </summary>
public sealed class PlacedFailoverActor : ReceiveActor
{
    private readonly Dictionary<Address, long> _unreachableAtUnixMs = [];
    private Task _rebuilding = Task.CompletedTask;

    /// <summary>Watches the members for <paramref name="run"/> of <paramref name="spec"/>.</summary>
    public PlacedFailoverActor(PlacedRun run, WorldSpec spec)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var system = Context.System;
        Receive<ClusterEvent.UnreachableMember>(u => _unreachableAtUnixMs.TryAdd(u.Member.Address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var node = removed.Member.Address;
            if (!run.Lose(node)) return;
            long lostAt = run.KilledAtUnixMs ?? (_unreachableAtUnixMs.TryGetValue(node, out var u) ? u : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            _rebuilding = _rebuilding.ContinueWith(_ => Rebuild(system, cluster, run, spec, node, lostAt), TaskScheduler.Default);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    /// <summary>The props of the failover of <paramref name="run"/>.</summary>
    public static Props Props(PlacedRun run, WorldSpec spec) => Akka.Actor.Props.Create(() => new PlacedFailoverActor(run, spec));

    /// <inheritdoc />
    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private static void Rebuild(ActorSystem system, Akka.Cluster.Cluster cluster, PlacedRun run, WorldSpec spec, Address lost, long lostAtUnixMs)
    {
        var devices = run.DevicesOn(lost);
        var up = cluster.State.Members.Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(lost))
            .OrderBy(m => m.Address, Member.AddressOrdering).ToList();
        Address NodeOf(string role) => role == PlacementSpec.Hosts ? run.World : up.FirstOrDefault(m => m.HasRole(role))?.Address ?? run.World;
        var hosts = spec.AllDevices().ToDictionary(d => $"{d.Host.Name}/{d.Vm.Name}/{d.Device.Name}", d => d.Host.Name, StringComparer.Ordinal);
        // Backends first: a device rebuilt with them gets the new backend's path.
        foreach (var group in run.BackendsOn(lost).GroupBy(path => NodeOf(spec.Placement.BackendRole(path) ?? PlacementSpec.Hosts)))
        {
            IReadOnlyList<PlacedActor> placed;
            try
            {
                placed = ClusterPlacement.Ask(system, group.Key, run, [.. group.Select(path => new PlacementItem(path, true, null))]);
            }
            catch (Exception e) when (e is PlacementException or AskTimeoutException)
            {
                system.Log.Error("failover: the backends of {0} could not be rebuilt on {1}: {2}", lost, group.Key, e.Message);
                continue;
            }
            run.Rebuilt(placed.Count);
            foreach (var actor in placed)
            {
                run.BackendOn(actor.Path, group.Key, actor.ActorPath);
                if (devices.Contains(actor.Path)) continue; // rebuilt below with it
                // The device lives on: it sends its unanswered requests to the new backend.
                if (run.DeviceNode(actor.Path) is { } deviceNode)
                    system.ActorSelection(new RootActorPath(deviceNode) / "user" / PlacementHost.Name)
                        .Tell(new SwitchPlacedBackend(run.RunId, actor.Path, actor.ActorPath), ActorRefs.NoSender);
                else
                    system.ActorSelection(new RootActorPath(run.World) / "user" / hosts[actor.Path])
                        .Tell(new PlacedBackendRebuilt(actor.Path, ClusterPlacement.Resolve(system, actor.ActorPath)), ActorRefs.NoSender);
            }
        }
        foreach (var group in devices.GroupBy(path => NodeOf(spec.Placement.DeviceRole(path))))
        {
            var node = group.Key;
            IReadOnlyList<PlacedActor> placed;
            try
            {
                var items = group.Select(path => new PlacementItem(path, false, run.BackendPath(path))).ToList();
                placed = ClusterPlacement.Ask(system, node, run, items);
            }
            catch (Exception e) when (e is PlacementException or AskTimeoutException)
            {
                system.Log.Error("failover: the devices of {0} could not be rebuilt on {1}: {2}", lost, node, e.Message);
                continue;
            }
            run.Rebuilt(placed.Count);
            foreach (var actor in placed)
            {
                run.DeviceOn(actor.Path, node);
                var endpoint = ClusterPlacement.Resolve(system, actor.ActorPath);
                var host = system.ActorSelection(new RootActorPath(run.World) / "user" / hosts[actor.Path]);
                host.Tell(new PlacedActorRebuilt(actor.Path, endpoint,
                    () => run.ServedAgain(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - lostAtUnixMs)), ActorRefs.NoSender);
            }
        }
    }
}
