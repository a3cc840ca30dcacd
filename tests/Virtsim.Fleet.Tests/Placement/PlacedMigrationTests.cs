using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>
/// A VM whose devices the scenario places on the devices role migrates between hosts: the destination's devices are
/// built where the placement says (here at top level of the one simulated process, as a devices node builds them), not
/// under the destination host; they recover the migration snapshot from the shared journal and reach the destination's
/// guest memory by DMA messages.
/// </summary>
public class PlacedMigrationTests
{
    private const string Scenario = """
        scenario { name = placed-migration, seed = 3, max-virtual-time = 30s }
        defaults {
          blk { requests = 600, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
          net { requests = 600, frame-size = 256, queue-depth = 8, queue-size = 64 }
        }
        hosts = [
          { name = h1, bandwidth = 10GiB/s, vms = [
            { name = vm1, memory = 128MiB, dirty-rate = 16MiB/s, working-set = 4MiB, devices = [
              { name = blk0, type = blk, transport = pci, vendor = acme-vf }
              { name = net0, type = net, transport = pci, vendor = swift-vhost } ] }
            { name = vm2, memory = 128MiB, devices = [
              { name = net0, type = net, transport = pci, vendor = swift-vhost } ] } ] }
          { name = h2, bandwidth = 10GiB/s }
        ]
        migrations = [ { vm = "h1/vm1", to = h2, at = 1ms, mode = pre-copy, bandwidth = 1GiB/s } ]
        """;

    // At 1 ms the VM migrates before its workloads do much (they finish during the pre-copy); "mid" moves it at 2 ms
    // over 100 GiB/s links with longer workloads, so the arrived devices serve most of the requests.
    [Theory]
    [InlineData("h1/vm1/blk0", false)]
    [InlineData("h1/vm1/blk0,h1/vm1/net0,h1/vm2/net0", false)]
    [InlineData("h1/vm1/blk0,h1/vm1/net0,h1/vm2/net0", true)]
    public void A_placed_device_arrives_on_its_role_s_node_and_serves_the_destination_by_DMA_messages(string placedList, bool mid)
    {
        var placedPaths = placedList.Split(',');
        string text = !mid ? Scenario : Scenario
            .Replace("at = 1ms, mode = pre-copy, bandwidth = 1GiB/s", "at = 2ms, mode = pre-copy, bandwidth = 100GiB/s", StringComparison.Ordinal)
            .Replace("bandwidth = 10GiB/s", "bandwidth = 100GiB/s", StringComparison.Ordinal)
            .Replace("blk { requests = 600", "blk { requests = 3000", StringComparison.Ordinal)
            .Replace("net { requests = 600", "net { requests = 1000", StringComparison.Ordinal);
        var spec = ScenarioLoader.Parse(text);
        var placed = new HashSet<string>(placedPaths);
        var arrivals = new List<Arrival>();
        var report = FleetRunner.Run(spec, 3, new RunOptions { Place = (system, metrics) => Place(system, metrics, spec, placed, arrivals) }, out var world);

        Assert.True(report.Completed, "not every workload finished: " + string.Join("; ", world.Results.Select(r => $"{r.Path} {r.Completed}/{r.Issued} done={r.Done}"))
            + " " + string.Join("; ", report.Failures));
        // Only frames the switch sent to the old port before the announce are lost: counted, and reported to their workloads.
        Assert.Equal(report.Counters["FramesLostByMigration"], report.Lost);
        Assert.Equal(report.Lost, report.FramesDroppedByCrash);
        if (!mid) Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(0, report.AckedWritesLost);
        Assert.Empty(report.Failures);
        Assert.Equal(0, report.Counters["RemoteDmaMisses"]);
        if (mid) Assert.True(report.Counters["ArrivedDeviceRequests"] > 0, "the arrived devices completed no request");
        var migration = Assert.Single(report.Migrations);
        Assert.True(migration.Outcome == MigrationOutcome.Completed, $"{migration.Outcome}: {migration.Reason}");
        Assert.Empty(migration.MemoryMismatchPages); // the destination's memory is the source's at the switchover

        // Every placed device of the migrating VM arrived as a top-level actor (its role's node), none under h2.
        var expected = placedPaths.Where(p => p.StartsWith("h1/vm1/", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(expected, arrivals.Select(a => a.Path).Order());
        foreach (var a in arrivals)
        {
            Assert.Equal("user", a.Endpoint.Path.Parent.Name);
            Assert.StartsWith("placed-in-", a.Endpoint.Path.Name, StringComparison.Ordinal);
            // The destination device reached h2's guest memory by DMA messages, and only after the switchover (the VM
            // stopped at start + total - downtime at the earliest).
            Assert.True(a.Dma.Count > 0, $"{a.Path} sent no DMA message at the destination");
            var switchover = report.MigrationStarts[0] + migration.TotalTime - migration.Downtime;
            Assert.True(a.Dma.First >= switchover, $"{a.Path}: first DMA at {a.Dma.First}, before the switchover at {switchover}");
        }
    }

    private sealed record Arrival(string Path, IActorRef Endpoint, DmaCount Dma);

    private sealed class DmaCount
    {
        public int Count;
        public TimeSpan First = TimeSpan.MaxValue;
    }

    // The placed actors at top level, as the devices node builds them, over plans of their own (their own disks); the
    // devices arriving by migration too.
    private static RemoteActors Place(ActorSystem system, FleetMetrics metrics, WorldSpec spec, HashSet<string> placed, List<Arrival> arrivals)
    {
        var persistence = FleetPersistence.Default;
        var endpoints = new Dictionary<string, IActorRef>();
        var disks = new Dictionary<string, Virtio.Devices.Blk.MemoryBlockStore>();
        var plans = FleetWorld.Plan(spec).SelectMany(h => h.Vms).SelectMany(v => v.Devices).ToDictionary(p => p.Path);
        foreach (var (host, vms) in FleetWorld.Plan(spec))
        {
            var hostRef = system.ActorOf(Props.Create(() => new Forwarder(system.UserGuardianPath().Child(host.Name), null)));
            foreach (var vm in vms)
                foreach (var plan in vm.Devices.Where(d => placed.Contains(d.Path)))
                {
                    string name = $"{vm.Spec.Name}-{plan.Spec.Name}";
                    if (plan.Store is { } disk) disks[plan.Path] = disk;
                    var netBackend = NetBackend(system, plan, system.UserGuardianPath().Child(host.Name), name);
                    endpoints[plan.Path] = system.ActorOf(PlacedActors.Endpoint(plan, vm, hostRef, netBackend, null, metrics, persistence), $"placed-{host.Name}-{name}");
                }
        }
        return new RemoteActors
        {
            Endpoints = endpoints,
            Incoming = d =>
            {
                if (!placed.Contains(d.Plan.Path)) return null;
                // The devices node's own plan (a disk of its own, which the backend rebuilds from the journal), with the
                // destination's vendor.
                var plan = plans[d.Plan.Path] with { Spec = d.Plan.Spec, Store = plans[d.Plan.Path].Store is null ? null : new Virtio.Devices.Blk.MemoryBlockStore(d.Plan.Spec.DiskSectors) };
                if (plan.Store is { } disk) disks[plan.Path] = disk; // acknowledged writes are read back where the device now is
                var count = new DmaCount();
                var host = system.ActorOf(Props.Create(() => new Forwarder(d.Host.Path, count)));
                var netBackend = NetBackend(system, plan, d.Host.Path, d.Name);
                var endpoint = system.ActorOf(PlacedActors.Endpoint(plan, d.Vm, host, netBackend, null, metrics, persistence, d.Migration, d.Offer),
                    $"placed-in-{d.Name}");
                arrivals.Add(new Arrival(plan.Path, endpoint, count));
                return endpoint;
            },
            BlockChecksums = (path, blocks) => PlacedActors.BlockChecksums(plans[path], disks[path], blocks),
        };
    }

    // A net device's backend is its host's (named after the endpoint): reached by path, since it does not exist yet.
    private static IActorRef? NetBackend(ActorSystem system, DevicePlan plan, ActorPath host, string name) =>
        plan.Spec.Kind == DeviceKind.Net ? system.ActorOf(Props.Create(() => new Forwarder(host.Child(NetBackendActor.NameFor(name)), null))) : null;

    // Forwards to an actor by path, as a remote ref reaches it; counts the DMA messages it passes (with the virtual time
    // of the first) when asked to.
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(ActorPath path, DmaCount? dma)
        {
            IActorRef? target = null;
            ReceiveAny(m =>
            {
                if (dma is not null && m is DmaRead or DmaWrite)
                {
                    if (dma.Count++ == 0) dma.First = Context.Clock().Elapsed;
                }
                (target ??= Context.System.ResolveLocal(path)).Forward(m);
            });
        }
    }
}
