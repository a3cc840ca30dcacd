using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Tests.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>
/// Backend crashes under blk load, on the simulation dispatcher. The disk runs writethrough, so every write completed
/// to the driver is durable and must survive every crash (with a writeback cache a completed but unflushed write may
/// legitimately be lost on a crash; <see cref="BlkBackendServerTests"/> pins that rule down).
/// </summary>
public class BackendCrashTests
{
    private const string Path = "host-1/vm-1/blk0";

    // Crash times drawn from the seed, all within the first part of the load.
    private static RunReport RunWithCrashes(DeviceSpec device, int seed, int crashes, out FleetWorld world)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, crashes).Select(_ => TimeSpan.FromMicroseconds(40 + random.Next(400))).ToList();
        return FleetRunner.Run(Worlds.OneDevice(device), seed, null, (w, sim) =>
        {
            foreach (var at in times)
                sim.Schedule(at, () => w.Endpoint(Path).Tell(new CrashBackend("injected"), null));
        }, out world);
    }

    [Theory]
    [InlineData("acme-vf", 3)]
    [InlineData("swift-vhost", 5)]
    [InlineData("qemu-emu", 7)]
    public void Crashes_mid_load_lose_no_request_complete_none_twice_and_every_acknowledged_write_reads_back(string profile, int seed)
    {
        var device = CrashLoad.Device(profile, 2000);
        var report = RunWithCrashes(device, seed, crashes: 4, out var world);

        Assert.True(report.Completed, report.ToJson());
        Assert.True(4 == report[FleetCounter.BackendCrashes], report.ToJson());
        Assert.True(report[FleetCounter.BackendResent] >= 1, "no request was in flight at any crash: " + report.ToJson());
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
        var r = world.Results.Single();
        Assert.Equal(r.Issued, r.Completed);   // nothing lost
        Assert.Equal(0, r.Duplicates);          // nothing completed twice
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, r.IntegrityErrors);     // the workload's own read-back
        // And on the media itself: every acknowledged write is durable with its checksum.
        AckedWrites.AssertDurable(world.Disk(Path), device, r.Blocks);
    }

    [Fact]
    public void Crashes_around_a_device_reset_still_lose_nothing_and_double_nothing()
    {
        // A corrupted descriptor puts the device in NEEDS_RESET between two backend crashes: requests at the backend
        // when the ring was reset are dropped by the device (the driver resubmits them), not re-sent or completed.
        var device = CrashLoad.Device("swift-vhost", 1500);
        var report = FleetRunner.Run(Worlds.OneDevice(device), 13, null, (w, sim) =>
        {
            sim.Schedule(TimeSpan.FromMicroseconds(300), () => w.Endpoint(Path).Tell(new CrashBackend("before"), null));
            sim.Schedule(TimeSpan.FromMicroseconds(600), () => w.Endpoint(Path).Tell(new InjectFault(FaultKind.CorruptNextDescriptor, 0), null));
            sim.Schedule(TimeSpan.FromMicroseconds(601), () => w.Endpoint(Path).Tell(new CrashBackend("during"), null));
            sim.Schedule(TimeSpan.FromMicroseconds(1500), () => w.Endpoint(Path).Tell(new CrashBackend("after"), null));
        }, out var world);

        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(3, report[FleetCounter.BackendCrashes]);
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        var r = world.Results.Single();
        Assert.Equal(r.Issued, r.Completed);
        Assert.Equal(0, r.Duplicates);
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, r.IntegrityErrors);
    }

    [Fact]
    public void The_same_seed_with_crashes_gives_the_same_trace_hash()
    {
        var device = CrashLoad.Device("swift-vhost", 800);
        var a = RunWithCrashes(device, 21, 3, out _);
        var b = RunWithCrashes(device, 21, 3, out _);
        Assert.True(a.Completed);
        Assert.Equal(3, a[FleetCounter.BackendCrashes]);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.VirtualTime, b.VirtualTime);
        Assert.Equal(a.Counters, b.Counters);
    }

    [Fact]
    public void More_crashes_than_the_restart_limit_stop_the_backend_and_the_device_needs_a_reset()
    {
        var device = CrashLoad.Device("acme-vf", 100_000);
        var report = FleetRunner.Run(Worlds.OneDevice(device) with { MaxVirtualTime = TimeSpan.FromMilliseconds(3) }, 1, null, (w, sim) =>
        {
            for (int i = 0; i <= TransportEndpointActor.MaxBackendRestarts; i++)
                sim.Schedule(TimeSpan.FromMicroseconds(100 + i), () => w.Endpoint(Path).Tell(new CrashBackend("again"), null));
        }, out var world);

        Assert.False(report.Completed);
        Assert.Equal(TransportEndpointActor.MaxBackendRestarts + 1, report[FleetCounter.BackendCrashes]); // the last one stops it
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        Assert.Equal(0, world.Results.Single().Duplicates);
    }
}
