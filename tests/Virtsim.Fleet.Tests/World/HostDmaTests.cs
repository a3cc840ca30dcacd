using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.World;

public class HostDmaTests
{
    private sealed class Probe : ReceiveActor
    {
        public Probe(List<object> inbox) => ReceiveAny(inbox.Add);
    }

    [Fact]
    public void Dma_goes_through_the_iommu_domain_of_the_vm_and_faults_outside_it()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t", FleetReference.Akka);
        var vm = new VmSpec { Name = "vm-1", MemoryBytes = 1 << 20 };
        var host = system.ActorOf(Props.Create(() => new HostActor(new HostSpec { Name = "h" }, new[] { new VmPlan(vm, 1, Array.Empty<DevicePlan>()) }, null, new FleetMetrics())), "h");
        var inbox = new List<object>();
        var probe = system.ActorOf(Props.Create(() => new Probe(inbox)), "probe");

        host.Tell(new DmaWrite(1, 1, 0x3000, [1, 2, 3, 4]), probe);
        host.Tell(new DmaRead(2, 1, 0x3001, 2), probe);
        host.Tell(new DmaRead(3, 1, 2 << 20, 8), probe);      // outside the domain's mapping
        host.Tell(new DmaWrite(4, 9, 0x3000, [1]), probe);    // no such domain
        sim.RunUntil(() => inbox.Count == 4, TimeSpan.FromMilliseconds(1));

        Assert.Equal(new DmaCompleted(1, []).Tag, ((DmaCompleted)inbox[0]).Tag);
        Assert.Equal([2, 3], ((DmaCompleted)inbox[1]).Data);
        Assert.Equal(MemoryFaultKind.IommuNoMapping, ((DmaFaulted)inbox[2]).Fault);
        Assert.Equal(4UL, ((DmaFaulted)inbox[3]).Tag);
        Assert.True(sim.Elapsed >= HostActor.TransferLatency);

        // The write marked its page in the VM's dirty log; the faulted ones marked nothing.
        host.Tell(new QueryDirtyLog(1, Clear: true), probe);
        host.Tell(new QueryDirtyLog(1), probe);
        host.Tell(new QueryDirtyLog(9), probe);
        sim.RunUntil(() => inbox.Count == 7, TimeSpan.FromMilliseconds(1));
        Assert.Equal(new DirtyLogReport(1, 1), inbox[4]);
        Assert.Equal(new DirtyLogReport(1, 0), inbox[5]);
        Assert.Equal(new DirtyLogReport(9, -1), inbox[6]);
    }

    [Fact]
    public void Device_dma_of_a_running_world_marks_the_dirty_log()
    {
        int dirty = 0;
        FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(Virtsim.Fleet.Endpoints.TransportKind.Pci, Virtsim.Fleet.Vendors.VendorProfiles.SwiftVhost, 100)), 1, null,
            (world, sim) =>
            {
                var inbox = new List<object>();
                var probe = world.System.ActorOf(Props.Create(() => new Probe(inbox)), "probe");
                sim.RunUntil(() => world.AllDone, TimeSpan.FromSeconds(1));
                world.System.ResolveLocal(world.System.UserGuardianPath().Child("host-1")).Tell(new QueryDirtyLog(1), probe);
                sim.RunUntil(() => inbox.Count == 1, TimeSpan.FromMilliseconds(1));
                dirty = ((DirtyLogReport)inbox[0]).DirtyPages;
            });
        Assert.True(dirty > 10, $"{dirty} dirty pages"); // used rings, status bytes and read data
    }
}
