using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// A device crash at any moment of a run, from virtual time 0 (before the driver has initialised the device) to the
/// end, given as a scenario fault: the run completes and loses nothing.
/// </summary>
public class EarlyDeviceCrashTests
{
    // Each store call takes virtual time, as in scenarios/crash-recovery.conf, so a crash can fall while the device
    // holds the driver's configuration replies until its image is durable.
    private static readonly Akka.Configuration.Config Latency = Simulator.StoreLatency(TimeSpan.FromMicroseconds(2));

    private static readonly ConcurrentDictionary<(DeviceKind, bool, TransportKind), TimeSpan> RunLengths = new();

    private static (WorldSpec World, string Crashed) World(DeviceKind kind, bool packed, TransportKind transport)
    {
        var profile = VendorProfiles.Find("swift-vhost")!;
        if (kind == DeviceKind.Blk)
        {
            var blk = Worlds.Blk(transport, profile, requests: 40, packed) with { WriteCache = false, DiskSectors = 2048 };
            return (Worlds.OneDevice(blk) with { Persistent = true }, "host-1/vm-1/blk0");
        }
        var net = Worlds.Net(transport, profile, frames: 40) with { PackedRing = packed };
        return (Worlds.TwoVmsExchangingFrames(net, net with { Transport = TransportKind.Pci }) with { Persistent = true }, "host-1/vm-1/net0");
    }

    private static RunReport Run(WorldSpec world, int seed, out FleetWorld built) =>
        FleetRunner.Run(world, seed, new RunOptions { Persistence = FleetPersistence.Default, Akka = Latency }, out built);

    // The virtual time the world needs without a crash: crash times are drawn up to (and past) it.
    private static TimeSpan RunLength(DeviceKind kind, bool packed, TransportKind transport) =>
        RunLengths.GetOrAdd((kind, packed, transport), k =>
        {
            var report = Run(World(k.Item1, k.Item2, k.Item3).World, 1, out _);
            Assert.True(report.PassedChecks, report.ToJson());
            return report.VirtualTime;
        });

    [Theory]
    [InlineData(DeviceKind.Blk, 5)]
    [InlineData(DeviceKind.Net, 5)]
    [InlineData(DeviceKind.Blk, 12)]
    public void A_crash_while_the_driver_initialises_the_device_is_recovered(DeviceKind kind, int atMicroseconds)
    {
        // The driver's configuration replies wait for the device's image to be durable; the crash takes them along. The
        // device now aborts them and the driver starts over (before: it waited forever and the run never completed).
        var (world, crashed) = World(kind, packed: false, TransportKind.Pci);
        world = world with { Faults = [new FaultSpec(TimeSpan.FromMicroseconds(atMicroseconds), ScheduledFaultKind.DeviceCrash, crashed)] };
        var report = Run(world, 7, out var built);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(1, report[FleetCounter.DeviceCrashes]);
        Assert.True(report[FleetCounter.ConfigAccessesAborted] > 0, report.ToJson());
        Assert.All(built.Results, r => Assert.Equal(r.Issued, r.Completed));
    }

    [Fact]
    public void A_fault_at_time_zero_fires_once_the_host_has_built_the_device()
    {
        var spec = ScenarioLoader.Parse("""
            scenario { name = crash-at-zero, seed = 3 }
            hosts = [ { name = h, vms = [ { name = vm, devices = [
              { name = blk0, type = blk, vendor = qemu-emu, requests = 60, write-cache = false }
            ] } ] } ]
            faults = [ { at = 0us, kind = device-crash, device = "h/vm/blk0" }, { at = 0us, kind = backend-crash, device = "h/vm/blk0" } ]
            """);
        var report = FleetRunner.Run(spec, spec.DefaultSeed, new RunOptions { Persistence = FleetPersistence.Default, Akka = Latency }, out _);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(1, report[FleetCounter.DeviceCrashes]);
        Assert.Equal(1, report[FleetCounter.DeviceRecoveries]);
        Assert.Equal(1, report[FleetCounter.BackendCrashes]);
    }

    [Fact]
    public void A_device_crash_at_any_time_of_the_run_loses_nothing_and_completes()
    {
        var cases =
            from kind in Gen.Elements(DeviceKind.Blk, DeviceKind.Net)
            from packed in Gen.Elements(false, true)
            from transport in Gen.Elements(TransportKind.Pci, TransportKind.Mmio)
            from seed in Gen.Choose(1, 1_000_000)
            from permille in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(1000)), (8, Gen.Choose(0, 1000)))
            select (kind, packed, transport, seed, permille);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var at = RunLength(c.kind, c.packed, c.transport) * c.permille / 1000;
            var (world, crashed) = World(c.kind, c.packed, c.transport);
            world = world with { Faults = [new FaultSpec(at, ScheduledFaultKind.DeviceCrash, crashed)] };
            var report = Run(world, c.seed, out var built);
            bool crashedOrOver = report[FleetCounter.DeviceCrashes] == 1 || report.VirtualTime <= at;
            bool blkAllDone = c.kind == DeviceKind.Net || built.Results.All(r => r.Issued == r.Completed && r.Errors == 0);
            return (report.PassedChecks && crashedOrOver && blkAllDone).Label($"crash at {at.TotalMicroseconds} us: {report.ToJson()}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }
}
