using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.World;

public class DeterminismTests
{
    private static WorldSpec Mixed() => new()
    {
        Hosts =
        [
            new HostSpec { Name = "h1", Vms = [new VmSpec { Name = "a", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, 200),
                Worlds.Blk(TransportKind.Pci, VendorProfiles.SwiftVhost, 200) with { Name = "blk0" }] }] },
            new HostSpec { Name = "h2", Vms = [new VmSpec { Name = "b", Devices = [Worlds.Net(TransportKind.Mmio, VendorProfiles.SwiftVhost, 200),
                Worlds.Blk(TransportKind.Mmio, VendorProfiles.AcmeVf, 200) with { Name = "blk0" }] }] },
        ],
    };

    [Fact]
    public void Same_seed_gives_the_same_trace_hash_and_counters()
    {
        var a = FleetRunner.Run(Mixed(), seed: 42);
        var b = FleetRunner.Run(Mixed(), seed: 42);
        Assert.True(a.Completed);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.Messages, b.Messages);
        Assert.Equal(a.VirtualTime, b.VirtualTime);
        Assert.Equal(a.Counters, b.Counters);
    }

    [Fact]
    public void Different_seeds_give_different_trace_hashes()
    {
        var hashes = new[] { 1, 2, 3 }.Select(s => FleetRunner.Run(Mixed(), s).TraceHash).ToList();
        Assert.Equal(3, hashes.Distinct().Count());
    }
}
