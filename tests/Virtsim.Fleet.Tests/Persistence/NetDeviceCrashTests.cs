using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// Net device actors crashing mid-load and coming back from their journal (memory and SQLite; PostgreSQL in
/// <see cref="PostgresDeviceCrashTests"/>): split rings resume where the used index in guest memory says, the frames
/// the crashed incarnation held are lost and reported, nothing arrives twice.
/// </summary>
public class NetDeviceCrashTests
{
    private const int Frames = 800;

    [Theory]
    [InlineData("swift-vhost", 3, TransportKind.Pci, DriverMode.Interrupt)]
    [InlineData("qemu-emu", 4, TransportKind.Mmio, DriverMode.Interrupt)]
    [InlineData("acme-vf", 5, TransportKind.Pci, DriverMode.Poll)]
    public void Net_device_crashes_mid_load_deliver_every_frame_at_most_once_and_lose_only_what_they_dropped(string vendor, int seed,
        TransportKind transport, DriverMode mode)
    {
        var a = NetCrashLoad.Device(vendor, Frames, transport, mode);
        var b = NetCrashLoad.Device(vendor, Frames, transport == TransportKind.Pci ? TransportKind.Mmio : TransportKind.Pci);
        var report = NetCrashLoad.Run(a, b, seed, FleetPersistence.Default, deviceCrashes: 3, backendCrashes: 0, out var world);

        NetCrashLoad.AssertAtMostOnceAndOnlyCrashLosses(report, world, deviceCrashes: 3);
        Assert.Equal(0, report[FleetCounter.NetBackendFramesDropped]);
    }

    [Fact]
    public void Net_device_and_backend_crashes_mixed_recover_from_snapshots()
    {
        var a = NetCrashLoad.Device("swift-vhost", Frames);
        var b = NetCrashLoad.Device("qemu-emu", Frames, TransportKind.Mmio);
        var report = NetCrashLoad.Run(a, b, 12, new FleetPersistence(SnapshotEvery: 5), deviceCrashes: 2, backendCrashes: 2, out var world);

        NetCrashLoad.AssertAtMostOnceAndOnlyCrashLosses(report, world, deviceCrashes: 2);
        Assert.Equal(2, report[FleetCounter.BackendCrashes]);
    }

    [Fact]
    public void A_crash_while_the_device_holds_frames_loses_exactly_those_and_the_rest_arrives()
    {
        // Crash a device at many points of one run's load until one falls while it holds frames (transmitted in a pass
        // whose DMA time had not passed, or waiting for receive buffers): those are lost and reported, nothing else.
        // acme-vf: DMA takes 0.6 us a transaction, so a transmit pass holds its frames for a while; small rings, so
        // received frames wait for buffers now and then.
        var a = NetCrashLoad.Device("acme-vf", 1500) with { QueueSize = 16 };
        var b = NetCrashLoad.Device("acme-vf", 1500, TransportKind.Mmio) with { QueueSize = 16 };
        RunReport? held = null;
        for (int seed = 1; seed <= 20 && held is null; seed++)
        {
            var report = NetCrashLoad.Run(a, b, seed, FleetPersistence.Default, deviceCrashes: 4, backendCrashes: 0, out var world);
            NetCrashLoad.AssertAtMostOnceAndOnlyCrashLosses(report, world, deviceCrashes: 4);
            if (report[FleetCounter.NetDeviceFramesDropped] > 0) held = report;
        }
        Assert.NotNull(held);
        Assert.Equal(held.FramesDroppedByCrash, held.Lost);
        Assert.True(held.Lost > 0);
    }

    [Fact]
    public void Same_seed_gives_the_same_trace_hash_with_net_device_crashes()
    {
        var a = NetCrashLoad.Device("acme-vf", 300);
        var b = NetCrashLoad.Device("swift-vhost", 300);
        var first = NetCrashLoad.Run(a, b, 8, FleetPersistence.Default, 2, 1, out _);
        var second = NetCrashLoad.Run(a, b, 8, FleetPersistence.Default, 2, 1, out _);
        Assert.True(first.Completed, first.ToJson());
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Counters, second.Counters);
    }
}
