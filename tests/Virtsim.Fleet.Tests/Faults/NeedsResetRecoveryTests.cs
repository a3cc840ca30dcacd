using Akka.Actor;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Faults;

public class NeedsResetRecoveryTests
{
    [Theory]
    [InlineData(TransportKind.Pci, "acme-vf", false)]
    [InlineData(TransportKind.Pci, "swift-vhost", true)]
    [InlineData(TransportKind.Mmio, "swift-vhost", false)]
    [InlineData(TransportKind.Mmio, "acme-vf", true)]
    public void A_corrupted_descriptor_mid_load_puts_the_device_in_needs_reset_and_the_driver_recovers_without_loss(
        TransportKind transport, string profile, bool packed)
    {
        var device = Worlds.Blk(transport, VendorProfiles.Find(profile)!, requests: 2000, packed: packed);
        var report = FleetRunner.Run(Worlds.OneDevice(device), seed: 8, null, (world, sim) =>
        {
            // Resolved when the fault fires: the endpoint exists only once the host actor has started.
            foreach (var at in new[] { 150, 500, 1000 })
                sim.Schedule(TimeSpan.FromMicroseconds(at), () => world.Endpoint("host-1/vm-1/blk0").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, 0), null));
        }, out var world);

        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(3, report[FleetCounter.FaultsInjected]);
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        Assert.Equal(report[FleetCounter.DeviceNeedsReset], report[FleetCounter.DriverRecoveries]);
        Assert.True(report[FleetCounter.Resubmitted] >= 1);
        var r = world.Results.Single();
        Assert.Equal(r.Issued, r.Completed);   // no request lost
        Assert.Equal(0, r.Duplicates);          // none completed twice
        Assert.Equal(0, r.IntegrityErrors);     // every acknowledged write reads back
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, report[FleetCounter.InitFailures]);
    }

    [Theory]
    [InlineData(TransportKind.Pci, false)]
    [InlineData(TransportKind.Mmio, true)]
    public void An_iommu_fault_on_the_ring_makes_the_device_need_a_reset_until_the_mapping_returns_and_nothing_is_lost(
        TransportKind transport, bool packed)
    {
        var device = Worlds.Blk(transport, VendorProfiles.SwiftVhost, requests: 1500, packed: packed);
        // The request headers' pages (every chain's first segment), unmapped for longer than one device pass.
        var headers = Virtsim.Fleet.Drivers.DriverLayout.ForDevice(0).Header(0);
        var report = FleetRunner.Run(Worlds.OneDevice(device), seed: 4, null, (world, sim) =>
            sim.Schedule(TimeSpan.FromMicroseconds(400), () =>
                world.System.ResolveLocal(world.System.UserGuardianPath().Child("host-1"))
                    .Tell(new InjectIommuFault(1, headers, 16384, TimeSpan.FromMicroseconds(300).Ticks), ActorRefs.NoSender)), out var world);

        Assert.True(report.Completed, report.ToJson());
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        Assert.Equal(report[FleetCounter.DeviceNeedsReset], report[FleetCounter.DriverRecoveries]);
        var r = world.Results.Single();
        Assert.Equal(r.Issued, r.Completed);
        Assert.Equal(0, r.Duplicates);
        Assert.Equal(0, r.IntegrityErrors);
        Assert.Equal(0, r.Errors);
    }
}
