using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.World;

/// <summary>The host actor alone, under Akka.TestKit (real time): DMA through the IOMMU and the dirty log.</summary>
public class HostActorTests() : Akka.TestKit.Xunit2.TestKit(FleetReference.Akka)
{
    [Fact]
    public void Dma_goes_through_the_iommu_domain_of_the_vm_and_faults_outside_it()
    {
        var vm = new VmSpec { Name = "vm-1", MemoryBytes = 1 << 20 };
        var host = Sys.ActorOf(Props.Create(() => new HostActor(new HostSpec { Name = "h" }, new[] { new VmPlan(vm, 1, Array.Empty<DevicePlan>()) }, null,
            new FleetMetrics())), "h");

        host.Tell(new DmaWrite(1, 1, 0x3000, [1, 2, 3, 4]), TestActor);
        Assert.Equal(1UL, ExpectMsg<DmaCompleted>().Tag);
        host.Tell(new DmaRead(2, 1, 0x3001, 2), TestActor);
        Assert.Equal([2, 3], ExpectMsg<DmaCompleted>().Data);
        host.Tell(new DmaRead(3, 1, 2 << 20, 8), TestActor);      // outside the domain's mapping
        var outside = ExpectMsg<DmaFaulted>();
        Assert.Equal(MemoryFaultKind.IommuNoMapping, outside.Fault);
        // A device on another node sees only the message: the refusal says which domain refused what.
        Assert.Equal("host h's IOMMU domain 1 refused a read of 8 bytes at 0x200000: IommuNoMapping at 0x200000", outside.Reason);
        host.Tell(new DmaWrite(4, 9, 0x3000, [1]), TestActor);    // no such domain
        var unknown = ExpectMsg<DmaFaulted>();
        Assert.Equal(4UL, unknown.Tag);
        Assert.Equal("host h has no IOMMU domain 9", unknown.Reason);

        // The write marked its page in the VM's dirty log; the faulted ones marked nothing.
        host.Tell(new QueryDirtyLog(1, Clear: true), TestActor);
        ExpectMsg(new DirtyLogReport(1, 1));
        host.Tell(new QueryDirtyLog(1), TestActor);
        ExpectMsg(new DirtyLogReport(1, 0));
        host.Tell(new QueryDirtyLog(9), TestActor);
        ExpectMsg(new DirtyLogReport(9, -1));
    }
}

/// <summary>DMA of a running world, under the simulator.</summary>
public class HostDmaTests
{
    private sealed class Probe : ReceiveActor
    {
        public Probe(List<object> inbox) => ReceiveAny(inbox.Add);
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
