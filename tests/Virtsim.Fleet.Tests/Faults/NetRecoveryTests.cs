using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Faults;

public class NetRecoveryTests
{
    [Theory]
    [InlineData(1)] // transmitq1
    [InlineData(0)] // receiveq1
    public void A_net_device_that_needs_a_reset_mid_exchange_recovers_and_every_frame_still_arrives_once(ushort queue)
    {
        var spec = Worlds.TwoVmsExchangingFrames(
            Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, frames: 1500),
            Worlds.Net(TransportKind.Mmio, VendorProfiles.SwiftVhost, frames: 1500));
        var report = FleetRunner.Run(spec, seed: 6, null, (world, sim) =>
            sim.Schedule(TimeSpan.FromMicroseconds(300), () => world.Endpoint("host-1/vm-1/net0").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, queue), null)),
            out var world);

        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(1, report[FleetCounter.DeviceNeedsReset]);
        Assert.Equal(1, report[FleetCounter.DriverRecoveries]);
        Assert.All(world.Results, r => Assert.Equal(1500, r.Completed));
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
    }
}
