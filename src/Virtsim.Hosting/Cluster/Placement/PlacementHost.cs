using Akka.Actor;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>
/// The actor every node runs at <c>/user/virtsim-placement</c>: it builds the devices and blk backends a run places
/// on this node (<see cref="PlaceActors"/>: from the run's scenario it makes the same plans as the world's node, then
/// the actors with <see cref="PlacedActors"/>, their DMA, frames and requests addressed by path to the world's node),
/// answers for their disks (<see cref="BlockChecksumsQuery"/>), lists them (<see cref="PlacedQuery"/>, for
/// <c>virtsim cluster status</c>) and stops them with their counters at the end of the run (<see cref="ReleasePlaced"/>).
/// </summary>
public sealed class PlacementHost : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "virtsim-placement";

    private readonly Dictionary<string, NodeRun> _runs = new(StringComparer.Ordinal);

    /// <summary>Creates the placement host.</summary>
    public PlacementHost()
    {
        Receive<PlaceActors>(p => Sender.Tell(Place(p)));
        Receive<BlockChecksumsQuery>(q => Sender.Tell(Checksums(q)));
        Receive<PlaceIncoming>(PlaceArriving);
        Receive<ReleasePlaced>(r =>
        {
            if (!_runs.Remove(r.RunId, out var run))
            {
                Sender.Tell(new PlacedReleased(new Dictionary<string, long>()));
                return;
            }
            foreach (var actor in run.Actors) Context.Stop(actor);
            var counters = new Dictionary<string, long>(run.Metrics.Snapshot(), StringComparer.Ordinal) { [ArrivalsCounter] = run.Arrivals };
            Sender.Tell(new PlacedReleased(counters));
        });
        Receive<SwitchPlacedBackend>(b =>
        {
            if (_runs.TryGetValue(b.RunId, out var run) && run.Devices.TryGetValue(b.Path, out var device))
                device.Tell(new Fleet.Messages.Backend.SwitchBackend(Resolve(ActorPath.Parse(b.BackendActorPath))), Self);
        });
        Receive<PlacedQuery>(_ => Sender.Tell(new PlacedList([.. _runs.Values.SelectMany(r => r.Described).Order(StringComparer.Ordinal)])));
    }

    /// <summary>The report counter of the devices a node built as they arrived by migration (added to the run's counters).</summary>
    public const string ArrivalsCounter = "placedArrivals";

    /// <summary>The props of the placement host.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new PlacementHost());

    private ActorsPlaced Place(PlaceActors p)
    {
        string self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        WorldSpec spec;
        try
        {
            spec = ScenarioLoader.FromConfig(HoconConfig.Parse(p.ScenarioJson, new HoconParseOptions { SourceName = p.Source }));
        }
        catch (HoconException e)
        {
            return new ActorsPlaced(self, [], $"the node refused the scenario: {e.Message}");
        }
        var persistence = p.PersistencePrefix is null ? null : new FleetPersistence(p.PersistencePrefix, p.SnapshotEvery, p.DeleteAfterSnapshot);
        // A node may be asked again for the same run: a failover rebuilds a lost node's actors here.
        var run = _runs.GetValueOrDefault(p.RunId) ?? new NodeRun { Spec = spec, Persistence = persistence };
        var placed = new List<PlacedActor>();
        var plans = FleetWorld.Plan(spec)
            .SelectMany(h => h.Vms.SelectMany(vm => vm.Devices.Select(d => (Host: h.Host.Name, Vm: vm, Plan: d))))
            .ToDictionary(x => x.Plan.Path, StringComparer.Ordinal);
        foreach (var item in p.Items)
        {
            if (!plans.TryGetValue(item.Path, out var x)) return new ActorsPlaced(self, [], $"the scenario has no device {item.Path}");
            string name = $"{p.RunId}-{x.Host}-{x.Vm.Spec.Name}-{x.Plan.Spec.Name}";
            // A device rebuilt here a second time gets a name of its own (the first may still be stopping).
            for (int again = 2; !Context.Child(name).IsNobody() || !Context.Child(name + "-backend").IsNobody(); again++)
                name = $"{p.RunId}-{x.Host}-{x.Vm.Spec.Name}-{x.Plan.Spec.Name}-{again}";
            IActorRef actor;
            if (item.Backend)
            {
                actor = Context.ActorOf(PlacedActors.Backend(x.Plan, run.Metrics, persistence), name + "-backend");
                run.Described.Add($"{item.Path} backend");
            }
            else
            {
                var world = ActorPath.Parse(p.WorldAddress + "/user");
                var host = Resolve(world / x.Host);
                string deviceName = $"{x.Vm.Spec.Name}-{x.Plan.Spec.Name}";
                var netBackend = x.Plan.Spec.Kind == DeviceKind.Net ? Resolve(world / x.Host / Fleet.Backends.NetBackendActor.NameFor(deviceName)) : null;
                var backend = item.BackendActorPath is null ? null : Resolve(ActorPath.Parse(item.BackendActorPath));
                actor = Context.ActorOf(PlacedActors.Endpoint(x.Plan, x.Vm, host, netBackend, backend, run.Metrics, persistence), name);
                run.Described.Add($"{item.Path} device");
                run.Devices[item.Path] = actor;
            }
            if (x.Plan.Store is { } disk && (item.Backend || item.BackendActorPath is null)) run.Disks[item.Path] = (x.Plan, disk);
            run.Actors.Add(actor);
            placed.Add(new PlacedActor(item.Path, item.Backend, actor.Path.ToStringWithAddress(Akka.Cluster.Cluster.Get(Context.System).SelfAddress)));
        }
        _runs[p.RunId] = run;
        return new ActorsPlaced(self, placed, null);
    }

    // A placed device arriving at a host by migration: built here over this node's plan with the destination's vendor,
    // domain and host; it recovers the migration snapshot from the shared journal and answers the migration itself.
    private void PlaceArriving(PlaceIncoming p)
    {
        var migration = Resolve(ActorPath.Parse(p.MigrationPath));
        if (!_runs.TryGetValue(p.RunId, out var run) || run.Spec is null)
        {
            migration.Tell(new DeviceAdopted(p.Device, $"{Akka.Cluster.Cluster.Get(Context.System).SelfAddress} runs no run {p.RunId}"));
            return;
        }
        var found = FleetWorld.Plan(run.Spec).SelectMany(h => h.Vms.SelectMany(vm => vm.Devices.Select(d => (Vm: vm, Plan: d)))).FirstOrDefault(x => x.Plan.Path == p.Path);
        var vendor = VendorProfiles.Find(p.Vendor)
            ?? run.Spec.Migrations.SelectMany(m => m.DeviceVendors.Values).Concat(run.Spec.AllDevices().Select(d => d.Device.Profile)).FirstOrDefault(v => v.Name == p.Vendor);
        if (found.Plan is null || vendor is null)
        {
            migration.Tell(new DeviceAdopted(p.Device, found.Plan is null ? $"the scenario has no device {p.Path}" : $"this node knows no vendor {p.Vendor}"));
            return;
        }
        var plan = found.Plan with { Spec = found.Plan.Spec with { Profile = vendor } };
        var vm = found.Vm with { Pasid = p.Pasid };
        var host = Resolve(ActorPath.Parse(p.HostPath));
        var netBackend = plan.Spec.Kind == DeviceKind.Net ? Resolve(ActorPath.Parse(p.HostPath) / Fleet.Backends.NetBackendActor.NameFor(p.EndpointName)) : null;
        var incoming = new IncomingMigration(migration, p.Device, p.Refuse);
        var offer = p.HasOffer ? new Virtio.Features.FeatureSet(p.OfferLow, p.OfferHigh) : (Virtio.Features.FeatureSet?)null;
        var actor = Context.ActorOf(PlacedActors.Endpoint(plan, vm, host, netBackend, null, run.Metrics, run.Persistence, incoming, offer), p.Name);
        // The arrived device's backend rebuilds its own disk from the journal: the acknowledged writes are read there.
        if (plan.Store is { } disk) run.Disks[p.Path] = (plan, disk);
        run.Actors.Add(actor);
        run.Described.Add($"{p.Path} device (arrived)");
        run.Arrivals++;
    }

    private BlockChecksumsReply Checksums(BlockChecksumsQuery q)
    {
        if (!_runs.TryGetValue(q.RunId, out var run) || !run.Disks.TryGetValue(q.Path, out var disk))
            return new BlockChecksumsReply([], $"this node holds no disk of {q.Path} for run {q.RunId}");
        return new BlockChecksumsReply(PlacedActors.BlockChecksums(disk.Plan, disk.Disk, q.Blocks), null);
    }

    private IActorRef Resolve(ActorPath path) => ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(path);

    private sealed class NodeRun
    {
        public FleetMetrics Metrics { get; } = new();

        public WorldSpec? Spec { get; init; }

        public FleetPersistence? Persistence { get; init; }

        public long Arrivals { get; set; }

        public List<IActorRef> Actors { get; } = [];

        public List<string> Described { get; } = [];

        public Dictionary<string, IActorRef> Devices { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (DevicePlan Plan, Virtio.Devices.Blk.MemoryBlockStore Disk)> Disks { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Asks the local <see cref="PlacementHost"/> what it runs (never crosses nodes); answered by <see cref="PlacedList"/>.</summary>
public sealed record PlacedQuery;

/// <summary>The devices and backends a node runs for runs of other nodes, as "host/vm/device device" or "... backend".</summary>
/// <param name="Items">What it runs.</param>
public sealed record PlacedList(IReadOnlyList<string> Items);
