using Akka.Actor;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Migrating;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Network;
using Virtsim.Fleet.Persistence;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.World;

/// <summary>
/// A built world: the switch ("/user/switch"), one actor per host ("/user/host"), under each its VMs and transport
/// endpoints, under each VM its drivers and applications. Keeps what tests and reports read afterwards: every
/// workload's result and every disk.
/// </summary>
public sealed class FleetWorld
{
    private FleetWorld(ActorSystem system, WorldSpec spec, FleetMetrics metrics, IActorRef network, IReadOnlyList<DevicePlan> devices,
        FleetPersistence? persistence)
    {
        Persistence = persistence;
        System = system;
        Spec = spec;
        Metrics = metrics;
        Network = network;
        Devices = devices;
    }

    /// <summary>The actor system the world lives in.</summary>
    public ActorSystem System { get; }

    /// <summary>The world's description.</summary>
    public WorldSpec Spec { get; }

    /// <summary>The run's counters.</summary>
    public FleetMetrics Metrics { get; }

    /// <summary>Where devices and backends journal their state, or null.</summary>
    public FleetPersistence? Persistence { get; }

    /// <summary>The simulation's store of journals and snapshots (simulated runs only), for inspection after a run.</summary>
    public Virtsim.Simulation.Persistence.SimulationStore? Store { get; internal set; }

    private IActorRef? _coordinator; // the migration coordinator, when VMs may move

    /// <summary>The scenario's migration-stream faults, or null when it has none (migrations' streams are then not cut into chunks).</summary>
    public MessageFaults.MigrationStreamFaults? MigrationStream { get; internal set; }

    /// <summary>What the run's migrations did (empty without migrations).</summary>
    public MigrationLog Migrations { get; } = new();

    /// <summary>The L2 switch.</summary>
    public IActorRef Network { get; }

    /// <summary>Every device, resolved, in world order.</summary>
    public IReadOnlyList<DevicePlan> Devices { get; }

    /// <summary>Every workload's result, in world order.</summary>
    public IEnumerable<WorkloadResult> Results => Devices.Select(d => d.Workload);

    /// <summary>True when every workload finished.</summary>
    public bool AllDone => Metrics.WorkloadsDone >= Devices.Count;

    /// <summary>Stops the world's actors (hosts and switch, and so everything under them).</summary>
    public void Stop()
    {
        foreach (var host in Spec.Hosts) System.Stop(System.ResolveLocal(System.UserGuardianPath().Child(host.Name)));
        System.Stop(Network);
    }

    /// <summary>The disk of the blk device at <paramref name="path"/> ("host/vm/device").</summary>
    public MemoryBlockStore Disk(string path) =>
        Devices.FirstOrDefault(d => d.Path == path)?.Store ?? throw new KeyNotFoundException($"no blk device {path}");

    /// <summary>The transport endpoint of the device at <paramref name="path"/> ("host/vm/device").</summary>
    public IActorRef Endpoint(string path)
    {
        var parts = path.Split('/');
        if (parts.Length != 3) throw new ArgumentException($"'{path}' is not host/vm/device", nameof(path));
        return System.ResolveLocal(System.UserGuardianPath().Child(parts[0]).Child($"{parts[1]}-{parts[2]}"));
    }

    /// <summary>
    /// Crashes the device at <paramref name="path"/> ("host/vm/device"), or its backend, through its host: the host
    /// handles it once it has built its devices, so this works from virtual time 0 on (a message to
    /// <see cref="Endpoint"/> before the host started would be a dead letter).
    /// </summary>
    public void InjectCrash(string path, CrashTarget target, string reason)
    {
        var parts = path.Split('/');
        if (parts.Length != 3) throw new ArgumentException($"'{path}' is not host/vm/device", nameof(path));
        // VMs may have moved: the coordinator knows where each runs now and under which name.
        if (_coordinator is not null) _coordinator.Tell(new InjectCrash(path, target, reason), ActorRefs.NoSender);
        else System.ResolveLocal(System.UserGuardianPath().Child(parts[0])).Tell(new InjectCrash($"{parts[1]}/{parts[2]}", target, reason), ActorRefs.NoSender);
    }

    /// <summary>
    /// Crashes host <paramref name="host"/> now, as a scenario's <c>host-crash</c> fault does (its devices stop, the
    /// migrations that involve it decide what their VMs lose). Only in a world with migrations or device switches,
    /// whose coordinator handles host faults.
    /// </summary>
    public void CrashHost(string host)
    {
        if (_coordinator is null) throw new InvalidOperationException("host crashes are handled by the migration coordinator: this world has no migrations");
        _coordinator.Tell(new InjectHostCrash(host), ActorRefs.NoSender);
    }

    /// <summary>
    /// Takes the guest memory window of the device at <paramref name="path"/> ("host/vm/device": its rings and buffers)
    /// out of its VM's IOMMU domain on the host where the world built it, for <paramref name="duration"/> (for good when
    /// zero). The device's DMA there faults and it reports DEVICE_NEEDS_RESET.
    /// </summary>
    public void UnmapDeviceWindow(string path, TimeSpan duration)
    {
        var device = Devices.FirstOrDefault(d => d.Path == path) ?? throw new KeyNotFoundException($"no device {path}");
        var parts = path.Split('/');
        var host = Spec.Hosts.First(h => h.Name == parts[0]);
        // The world numbers each host's VMs' IOMMU domains from 1 in order (Build).
        uint pasid = (uint)host.Vms.ToList().FindIndex(v => v.Name == parts[1]) + 1;
        long ticks = duration > TimeSpan.Zero ? duration.Ticks : TimeSpan.FromDays(3650).Ticks;
        var window = Drivers.DriverLayout.ForDevice(device.IndexInVm);
        System.ResolveLocal(System.UserGuardianPath().Child(parts[0]))
            .Tell(new InjectIommuFault(pasid, window.Base, Drivers.DriverLayout.WindowSize, ticks), ActorRefs.NoSender);
    }

    /// <summary>
    /// The path of the workload (application actor) of the device at <paramref name="devicePath"/> ("host/vm/device"):
    /// <c>/user/host/vm/device-app</c>.
    /// </summary>
    public static ActorPath WorkloadPath(ActorPath userGuardian, string devicePath)
    {
        ArgumentNullException.ThrowIfNull(userGuardian);
        var parts = (devicePath ?? throw new ArgumentNullException(nameof(devicePath))).Split('/');
        if (parts.Length != 3) throw new ArgumentException($"'{devicePath}' is not host/vm/device", nameof(devicePath));
        return userGuardian.Child(parts[0]).Child(parts[1]).Child(parts[2] + "-app");
    }

    /// <summary>Builds <paramref name="spec"/> in <paramref name="system"/>.</summary>
    /// <param name="system">The actor system (simulation or threaded dispatcher).</param>
    /// <param name="spec">The world.</param>
    /// <param name="metrics">The run's counters; new when null.</param>
    /// <param name="threaded">
    /// True when <paramref name="system"/> runs actors on threads: hosts then allocate the guest memory pages the
    /// drivers and devices share before anything runs (see <see cref="HostActor"/>).
    /// </param>
    /// <param name="persistence">Where devices and backends journal their state so they survive crashes; null: nothing is kept.</param>
    /// <param name="remote">Endpoints and backends other nodes run (a cluster run with placement), or null: every actor here.</param>
    public static FleetWorld Build(ActorSystem system, WorldSpec spec, FleetMetrics? metrics = null, bool threaded = false,
        FleetPersistence? persistence = null, RemoteActors? remote = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(spec);
        metrics ??= new FleetMetrics();
        var hosts = Plan(spec);
        var plans = hosts.SelectMany(h => h.Vms).SelectMany(v => v.Devices).ToList();
        int netDevices = plans.Count(p => p.Spec.Kind == DeviceKind.Net);
        // VMs may move: every guest's own memory accesses mark its dirty log (off otherwise: it costs every access).
        bool migrates = spec.Migrations.Count > 0 || spec.DeviceSwitches.Count > 0 || spec.Waves.Count > 0;
        var network = system.ActorOf(Props.Create(() => new L2SwitchActor(spec.SwitchLatency, netDevices)), "switch");
        foreach (var (host, vms) in hosts)
        {
            var h = host;
            var v = vms;
            system.ActorOf(ActorFactory.Of(() => new HostActor(h, v, network, metrics, threaded, persistence, migrates, remote)), host.Name);
        }
        var world = new FleetWorld(system, spec, metrics, network, plans, persistence);
        if (migrates || spec.Faults.Any(f => f.Kind is ScheduledFaultKind.HostCrash or ScheduledFaultKind.LinkFailure))
            world._coordinator = system.ActorOf(Props.Create(() => new MigrationCoordinator(world, world.Migrations)), "migrations");
        return world;
    }

    /// <summary>
    /// Every host's VMs and devices, resolved: MAC addresses, net peers (each net device sends to the next one, round
    /// the ring), the frames each expects, a fresh disk per blk device. The same spec gives the same plans on every
    /// node, so a node that runs placed devices builds them as the node running the world would have.
    /// </summary>
    public static IReadOnlyList<(HostSpec Host, IReadOnlyList<VmPlan> Vms)> Plan(WorldSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var all = spec.AllDevices().ToList();
        var netIndexes = all.Select((d, i) => (d, i)).Where(x => x.d.Device.Kind == DeviceKind.Net).Select(x => x.i).ToList();
        var macs = all.Select((_, i) => MacAddress.ForDevice(i)).ToArray();
        var peer = new Dictionary<int, int>();
        var inbound = new int[all.Count];
        if (netIndexes.Count > 1)
        {
            for (int k = 0; k < netIndexes.Count; k++)
            {
                int from = netIndexes[k], to = netIndexes[(k + 1) % netIndexes.Count];
                peer[from] = to;
                inbound[to] += all[from].Device.Requests;
            }
        }

        var paths = new List<string>();
        foreach (var host in spec.Hosts)
            foreach (var vm in host.Vms)
                foreach (var d in vm.Devices) paths.Add($"{host.Name}/{vm.Name}/{d.Name}");
        var hosts = new List<(HostSpec, IReadOnlyList<VmPlan>)>();
        int g = 0;
        foreach (var host in spec.Hosts)
        {
            var vms = new List<VmPlan>();
            uint pasid = 1;
            foreach (var vm in host.Vms)
            {
                var devices = new List<DevicePlan>();
                for (int i = 0; i < vm.Devices.Count; i++, g++)
                {
                    var d = vm.Devices[i];
                    string path = $"{host.Name}/{vm.Name}/{d.Name}";
                    var store = d.Kind == DeviceKind.Blk ? new MemoryBlockStore(d.DiskSectors) : null;
                    bool hasPeer = peer.TryGetValue(g, out int p);
                    var peerMac = hasPeer ? macs[p] : macs[g];
                    devices.Add(new DevicePlan(d, path, i, macs[g], peerMac, inbound[g], store, new WorkloadResult { Path = path },
                        hasPeer ? paths[p] : null));
                }
                vms.Add(new VmPlan(vm, pasid++, devices));
            }
            hosts.Add((host, vms));
        }
        return hosts;
    }
}
