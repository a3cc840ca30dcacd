using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

public class CrashRecoveryProperties
{
    [Fact]
    public void Any_seed_device_and_crash_times_lose_and_double_nothing()
    {
        // Crash times anywhere from the driver's initialisation to the end of the load, device and backend crashes
        // mixed, every profile, both transports, both rings, both driver modes, snapshots from frequent to never.
        var cases =
            from seed in Gen.Choose(1, 1_000_000)
            from transport in Gen.Elements(TransportKind.Pci, TransportKind.Mmio)
            from profile in Gen.Elements(VendorProfiles.All.ToArray())
            from packed in Gen.Elements(false, true)
            from mode in Gen.Elements(DriverMode.Interrupt, DriverMode.Poll)
            from snapshotEvery in Gen.Elements(0, 2, 25)
            from count in Gen.Choose(1, 4)
            from crashes in Gen.ArrayOf(Gen.Zip(Gen.Choose(1, 500), Gen.Elements(true, false)), count)
            select (seed, transport, profile, packed, mode, snapshotEvery, crashes);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var device = Worlds.Blk(c.transport, c.profile, requests: 150, c.packed, c.mode) with { WriteCache = false, DiskSectors = 2048 };
            var persistence = new FleetPersistence(SnapshotEvery: c.snapshotEvery);
            var report = FleetRunner.Run(Worlds.OneDevice(device), c.seed, persistence, null, (world, sim) =>
            {
                foreach (var (at, isDevice) in c.crashes)
                {
                    object message = isDevice ? new CrashDevice("property") : new CrashBackend("property");
                    sim.Schedule(TimeSpan.FromMicroseconds(at), () => world.Endpoint(CrashLoad.Path).Tell(message, ActorRefs.NoSender));
                }
            }, out var world);
            var r = world.Results.Single();
            return (report.PassedChecks && r.Issued == r.Completed && r.Errors == 0).Label(report.ToJson());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
