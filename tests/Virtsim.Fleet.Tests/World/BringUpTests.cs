using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.World;

public class BringUpTests
{
    [Theory]
    [InlineData(TransportKind.Pci, "acme-vf", false)]
    [InlineData(TransportKind.Pci, "swift-vhost", false)]
    [InlineData(TransportKind.Mmio, "acme-vf", false)]
    [InlineData(TransportKind.Mmio, "swift-vhost", true)]
    [InlineData(TransportKind.Pci, "swift-vhost", true)]
    [InlineData(TransportKind.Pci, "qemu-emu", false)]
    public void Blk_device_comes_up_and_serves_requests(TransportKind transport, string profile, bool packed)
    {
        var spec = Worlds.OneDevice(Worlds.Blk(transport, VendorProfiles.Find(profile)!, requests: 100, packed: packed));
        var report = FleetRunner.Run(spec, seed: 3);
        Assert.True(report.Completed, $"not completed: {report.ToJson()}");
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(0, report[FleetCounter.InitFailures]);
        Assert.True(report[FleetCounter.Doorbells] > 0);
        Assert.True(report[FleetCounter.MsixInterrupts] + report[FleetCounter.LineInterrupts] > 0);
        if (transport == TransportKind.Mmio) Assert.Equal(0, report[FleetCounter.MsixInterrupts]);
        else Assert.Equal(0, report[FleetCounter.LineInterrupts]);
    }

    [Theory]
    [InlineData(TransportKind.Pci)]
    [InlineData(TransportKind.Mmio)]
    public void A_poll_mode_driver_brings_up_blk_and_takes_completions_without_queue_interrupts(TransportKind transport)
    {
        var spec = Worlds.OneDevice(Worlds.Blk(transport, VendorProfiles.AcmeVf, requests: 200, mode: Virtsim.Fleet.Drivers.DriverMode.Poll));
        var report = FleetRunner.Run(spec, seed: 9);
        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report[FleetCounter.MsixInterrupts] + report[FleetCounter.LineInterrupts]);
    }
}
