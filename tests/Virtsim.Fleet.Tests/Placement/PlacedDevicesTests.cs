using Akka.Actor;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>
/// Devices and blk backends built apart from their host (as a node of another role builds them), in one simulated
/// process: a placed device reaches guest memory only by DMA messages to the host (its view holds nothing else), yet
/// the same scenario gives the same results as with every actor under its host. Only time and message counts differ.
/// </summary>
public class PlacedDevicesTests
{
    private const string Scenario = """
        scenario { name = placed, seed = 5, max-virtual-time = 30s }
        defaults {
          blk { requests = 150, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
          net { requests = 150, frame-size = 256, queue-depth = 8, queue-size = 64 }
        }
        hosts = [ { name = h1, vms = [
          { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = pci, vendor = acme-vf }
            { name = net0, type = net, transport = pci, vendor = acme-vf } ] }
          { name = vm2, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = mmio, vendor = swift-vhost, packed = true, write-cache = true }
            { name = net0, type = net, transport = pci, vendor = swift-vhost, packed = true, driver = poll } ] }
        ] } ]
        """;

    public static TheoryData<bool, bool> Placements => new() { { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Placements))]
    public void Placed_devices_and_backends_give_the_results_of_an_all_local_run(bool devices, bool backends)
    {
        var spec = ScenarioLoader.Parse(Scenario);
        var local = FleetRunner.Run(spec, 5, new RunOptions(), out var localWorld);
        var placed = FleetRunner.Run(spec, 5, new RunOptions { Place = (system, metrics) => Place(system, metrics, spec, devices, backends) }, out var placedWorld);

        foreach (var report in new[] { local, placed })
        {
            Assert.True(report.Completed, "not every workload finished: " + string.Join("; ", placedWorld.Results.Select(r => $"{r.Path} {r.Completed}/{r.Issued} done={r.Done}"))
                + " misses " + report.Counters["RemoteDmaMisses"] + " faults " + report.Counters["DmaFaults"] + " " + string.Join("; ", report.Failures));
            Assert.Equal(0, report.Lost);
            Assert.Equal(0, report.Duplicates);
            Assert.Equal(0, report.IntegrityErrors);
            Assert.Equal(0, report.AckedWritesLost);
            Assert.Empty(report.Failures);
        }
        // What a workload issues besides its requests (flushes, read-backs) follows timing; what it got must not.
        Assert.Equal(localWorld.Results.Select(Outcome), placedWorld.Results.Select(Outcome));
        // The placed devices read and wrote guest memory by DMA messages only, and every byte they read was fetched.
        Assert.Equal(0, placed.Counters["RemoteDmaMisses"]);
        Assert.Equal(0, local.Counters["DmaTransfers"]);
        if (devices) Assert.True(placed.Counters["DmaTransfers"] > 0, "no DMA message was sent");
        else Assert.Equal(0, placed.Counters["DmaTransfers"]);
        if (backends) Assert.True(placed.Counters["BackendRequests"] >= 300, "the placed backends served nothing");
    }

    private static (string, bool, long, long, long, bool) Outcome(WorkloadResult r) =>
        (r.Path, r.Done, r.Errors, r.Duplicates, r.IntegrityErrors, r.Completed == r.Issued);

    // Builds the placed actors at top level, as the node of their role would, over plans of their own (their own disks).
    internal static RemoteActors Place(ActorSystem system, FleetMetrics metrics, WorldSpec spec, bool devices, bool backends,
        Virtsim.Fleet.Persistence.FleetPersistence? persistence = null)
    {
        var endpoints = new Dictionary<string, IActorRef>();
        var backendRefs = new Dictionary<string, IActorRef>();
        var disks = new Dictionary<string, Virtio.Devices.Blk.MemoryBlockStore>();
        foreach (var (host, vms) in FleetWorld.Plan(spec))
        {
            // The host does not exist yet: its path is reached through a forwarder, as a remote ref reaches it by path.
            var hostRef = system.ActorOf(Props.Create(() => new PathForwarder(system.UserGuardianPath().Child(host.Name))));
            foreach (var vm in vms)
                foreach (var plan in vm.Devices)
                {
                    string name = $"{vm.Spec.Name}-{plan.Spec.Name}";
                    IActorRef? backend = null;
                    if (backends && plan.Spec.Kind == DeviceKind.Blk)
                    {
                        backend = system.ActorOf(PlacedActors.Backend(plan, metrics, persistence), $"placed-backend-{host.Name}-{name}");
                        if (!devices) backendRefs[plan.Path] = backend;
                    }
                    if (plan.Store is { } disk) disks[plan.Path] = disk;
                    if (!devices) continue;
                    var netBackend = plan.Spec.Kind == DeviceKind.Net
                        ? system.ActorOf(Props.Create(() => new PathForwarder(system.UserGuardianPath().Child(host.Name).Child(NetBackendActor.NameFor(name)))))
                        : null;
                    endpoints[plan.Path] = system.ActorOf(PlacedActors.Endpoint(plan, vm, hostRef, netBackend, backend, metrics, persistence), $"placed-{host.Name}-{name}");
                }
        }
        var plans = FleetWorld.Plan(spec).SelectMany(h => h.Vms).SelectMany(v => v.Devices).ToDictionary(p => p.Path);
        return new RemoteActors
        {
            Endpoints = endpoints,
            Backends = backendRefs,
            BlockChecksums = (path, blocks) => PlacedActors.BlockChecksums(plans[path], disks[path], blocks),
        };
    }

    private sealed class PathForwarder : ReceiveActor
    {
        public PathForwarder(ActorPath path)
        {
            IActorRef? target = null;
            ReceiveAny(m => (target ??= Context.System.ResolveLocal(path)).Forward(m));
        }
    }
}
