using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.World;

public class WorldProperties
{
    [Fact]
    public void Any_seed_transport_profile_ring_mode_and_fault_time_loses_and_duplicates_nothing()
    {
        var cases =
            from seed in Gen.Choose(1, 1_000_000)
            from transport in Gen.Elements(TransportKind.Pci, TransportKind.Mmio)
            from profile in Gen.Elements(VendorProfiles.All.ToArray())
            from packed in Gen.Elements(false, true)
            from mode in Gen.Elements(DriverMode.Interrupt, DriverMode.Poll)
            from depth in Gen.Choose(1, 48)
            from faultAt in Gen.Choose(0, 600)
            select (seed, transport, profile, packed, mode, depth, faultAt);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var device = Worlds.Blk(c.transport, c.profile, requests: 150, c.packed, c.mode) with { QueueDepth = c.depth, DiskSectors = 2048 };
            var report = FleetRunner.Run(Worlds.OneDevice(device), c.seed, null, (world, sim) =>
            {
                if (c.faultAt > 0)
                    sim.Schedule(TimeSpan.FromMicroseconds(c.faultAt),
                        () => world.Endpoint("host-1/vm-1/blk0").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, 0), null));
            }, out var world);
            var r = world.Results.Single();
            return report.Completed && r.Issued == r.Completed && r.Duplicates == 0 && r.IntegrityErrors == 0 && r.Errors == 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Any_pair_of_net_devices_delivers_every_frame_once_even_across_a_reset()
    {
        var cases =
            from seed in Gen.Choose(1, 1_000_000)
            from a in Gen.Elements(TransportKind.Pci, TransportKind.Mmio)
            from b in Gen.Elements(TransportKind.Pci, TransportKind.Mmio)
            from pa in Gen.Elements(VendorProfiles.All.ToArray())
            from pb in Gen.Elements(VendorProfiles.All.ToArray())
            from mode in Gen.Elements(DriverMode.Interrupt, DriverMode.Poll)
            from size in Gen.Choose(60, 1514)
            from faultAt in Gen.Choose(0, 400)
            from faultQueue in Gen.Choose(0, 1)
            select (seed, a, b, pa, pb, mode, size, faultAt, faultQueue);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var spec = Worlds.TwoVmsExchangingFrames(
                Worlds.Net(c.a, c.pa, 200, c.mode) with { FrameSize = c.size },
                Worlds.Net(c.b, c.pb, 150) with { FrameSize = c.size });
            var report = FleetRunner.Run(spec, c.seed, null, (world, sim) =>
            {
                if (c.faultAt > 0)
                    sim.Schedule(TimeSpan.FromMicroseconds(c.faultAt),
                        () => world.Endpoint("host-2/vm-2/net0").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, (ushort)c.faultQueue), null));
            }, out var world);
            var results = world.Results.ToList();
            return report.Completed && results[0].Completed == 150 && results[1].Completed == 200
                && report.Duplicates == 0 && report.IntegrityErrors == 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
