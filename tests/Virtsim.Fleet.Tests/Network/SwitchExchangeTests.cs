using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Network;

public class SwitchExchangeTests
{
    [Theory]
    [InlineData(TransportKind.Pci, TransportKind.Pci, DriverMode.Interrupt)]
    [InlineData(TransportKind.Pci, TransportKind.Mmio, DriverMode.Interrupt)]
    [InlineData(TransportKind.Mmio, TransportKind.Pci, DriverMode.Poll)]
    public void Two_vms_exchange_frames_through_the_switch_each_delivered_once(TransportKind a, TransportKind b, DriverMode mode)
    {
        var spec = Worlds.TwoVmsExchangingFrames(
            Worlds.Net(a, VendorProfiles.AcmeVf, frames: 1000, mode) with { Name = "net0" },
            Worlds.Net(b, VendorProfiles.SwiftVhost, frames: 800) with { Name = "net0" });
        var report = FleetRunner.Run(spec, seed: 21, null, null, out var world);

        Assert.True(report.Completed, report.ToJson());
        var results = world.Results.ToList();
        Assert.Equal(800, results[0].Completed);   // vm-1 receives what vm-2 sent
        Assert.Equal(1000, results[1].Completed);  // and the other way round
        Assert.All(results, r => Assert.Equal(0, r.Duplicates));
        Assert.All(results, r => Assert.Equal(0, r.IntegrityErrors));
        Assert.Equal(1800, report[FleetCounter.FramesDelivered]);
        Assert.Equal(1800, report[FleetCounter.FramesSent]);
    }

    [Fact]
    public void Four_vms_in_a_ring_learn_macs_and_ignore_nothing_meant_for_them()
    {
        var spec = new WorldSpec
        {
            Hosts =
            [
                new HostSpec { Name = "h1", Vms = [new VmSpec { Name = "a", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, 300)] },
                    new VmSpec { Name = "b", Devices = [Worlds.Net(TransportKind.Mmio, VendorProfiles.SwiftVhost, 300)] }] },
                new HostSpec { Name = "h2", Vms = [new VmSpec { Name = "c", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.SwiftVhost, 300)] },
                    new VmSpec { Name = "d", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, 300)] }] },
            ],
        };
        var report = FleetRunner.Run(spec, seed: 2, null, null, out var world);
        Assert.True(report.Completed, report.ToJson());
        Assert.All(world.Results, r => Assert.Equal(300, r.Completed));
        Assert.Equal(0, report.Duplicates);
    }
}
