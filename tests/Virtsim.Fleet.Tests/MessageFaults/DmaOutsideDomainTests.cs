using Akka.Actor;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>A device asking for DMA in another VM's IOMMU domain is refused, counted and reported as a broken invariant.</summary>
public class DmaOutsideDomainTests
{
    [Fact]
    public void A_dma_read_naming_another_vms_domain_is_refused_and_breaks_the_invariant()
    {
        var spec = ScenarioLoader.Parse("""
            defaults.blk { requests = 50, disk-sectors = 16384 }
            hosts = [ { name = h, vms = [
              { name = vm-1, devices = [ { name = blk0, type = blk, vendor = acme-vf } ] }
              { name = vm-2, devices = [ { name = blk0, type = blk, vendor = acme-vf } ] } ] } ]
            """, "dma.conf");
        var report = FleetRunner.Run(spec, seed: 3, null, (world, sim) => sim.Schedule(TimeSpan.FromMicroseconds(50), () =>
        {
            // vm-1's device (IOMMU domain 1) reads from domain 2, vm-2's memory.
            var host = world.System.ResolveLocal(world.System.UserGuardianPath().Child("h"));
            host.Tell(new DmaRead(1, Pasid: 2, Address: 0x1000, Length: 64), world.Endpoint("h/vm-1/blk0"));
        }), out _);

        Assert.Equal(1, report.DmaOutsideDomain);
        Assert.Equal(1, report[FleetCounter.DmaFaults]);
        var invariant = report.Invariants.Single(i => i.Name == RunInvariants.NoDmaOutsideIommuDomain);
        Assert.False(invariant.Held);
        Assert.Contains("1 DMA requests named another VM's domain", invariant.Reason);
        Assert.False(report.PassedChecks);
        Assert.Contains("\"dmaOutsideDomain\":1", report.ToJson());
    }

    [Fact]
    public void A_dma_read_in_the_devices_own_domain_is_served()
    {
        var spec = ScenarioLoader.Parse("""
            defaults.blk { requests = 50, disk-sectors = 16384 }
            hosts = [ { name = h, vms = [ { name = vm-1, devices = [ { name = blk0, type = blk, vendor = acme-vf } ] } ] } ]
            """, "dma.conf");
        var report = FleetRunner.Run(spec, seed: 3, null, (world, sim) => sim.Schedule(TimeSpan.FromMicroseconds(50), () =>
            world.System.ResolveLocal(world.System.UserGuardianPath().Child("h"))
                .Tell(new DmaRead(1, Pasid: 1, Address: 0x1000, Length: 64), world.Endpoint("h/vm-1/blk0"))), out _);

        Assert.Equal(0, report.DmaOutsideDomain);
        Assert.Equal(1, report[FleetCounter.DmaTransfers]);
        Assert.True(report.PassedChecks, report.ToJson());
    }
}
