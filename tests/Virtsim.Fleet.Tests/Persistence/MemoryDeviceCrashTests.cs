using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>Device and backend crashes mid-load, recovered from the in-memory journal.</summary>
public class MemoryDeviceCrashTests
{
    [Theory]
    [InlineData("acme-vf", 3, TransportKind.Pci)]
    [InlineData("swift-vhost", 5, TransportKind.Mmio)]
    [InlineData("qemu-emu", 7, TransportKind.Pci)]
    public async Task Device_crashes_mid_load_resume_split_rings_exactly(string vendor, int seed, TransportKind transport)
    {
        var device = CrashLoad.Device(vendor, 600, transport: transport);
        var persistence = new FleetPersistence(SnapshotEvery: 50);
        var report = CrashLoad.Run(device, seed, persistence, deviceCrashes: 3, backendCrashes: 0, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.True(3 == report[FleetCounter.DeviceCrashes], report.ToJson());
        Assert.Equal(3, report.Recoveries.Count);
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]); // split rings resume without a reset
        Assert.Equal(0, report[FleetCounter.DriverRecoveries]);
        Assert.True(report[FleetCounter.BackendRecoveries] >= 4, report.ToJson()); // the first start and one per crash
        // Chains in flight at a crash were popped again and served by the new backend: more backend requests than blk requests.
        Assert.True(report[FleetCounter.BackendRequests] > report[FleetCounter.BlkRequests], report.ToJson());
    }

    [Fact]
    public async Task Device_and_backend_crashes_mixed_lose_nothing_and_double_nothing()
    {
        var device = CrashLoad.Device("swift-vhost", 800);
        var persistence = new FleetPersistence(SnapshotEvery: 64, DeleteAfterSnapshot: true);
        var report = CrashLoad.Run(device, 11, persistence, deviceCrashes: 2, backendCrashes: 3, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.True(2 == report[FleetCounter.DeviceCrashes], report.ToJson());
        Assert.True(3 == report[FleetCounter.BackendCrashes], report.ToJson());
    }

    [Fact]
    public async Task Devices_recover_from_a_snapshot_of_their_state_when_the_events_before_it_are_deleted()
    {
        // Snapshots every 3 events with deletion: the device journal (about ten events per initialisation) and the
        // disk journal both recover from a snapshot plus a short tail.
        var device = CrashLoad.Device("qemu-emu", 400);
        var persistence = new FleetPersistence(SnapshotEvery: 3, DeleteAfterSnapshot: true);
        var report = CrashLoad.Run(device, 17, persistence, deviceCrashes: 2, backendCrashes: 1, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.Equal(2, report.Recoveries.Count);
        Assert.NotEmpty(world.Store!.Snapshots(persistence.DeviceId(CrashLoad.Path)));
        var events = world.Store.Events(persistence.DeviceId(CrashLoad.Path));
        Assert.True(events.Count < 3, $"{events.Count} device events kept after snapshots"); // only the tail after the last snapshot
        Assert.NotEmpty(world.Store.Snapshots(persistence.BackendId(CrashLoad.Path)));
    }

    [Fact]
    public void A_journal_written_by_another_vendor_profile_is_not_restored()
    {
        // Two runs over the same ids: the second world's device finds the first one's image on its first start. The
        // profile is part of the image: a different profile puts the device into DEVICE_NEEDS_RESET instead of
        // restoring; the driver's initialisation resets it and the run goes on.
        var persistence = FleetPersistence.Default;
        var first = FleetRunner.Run(Worlds.OneDevice(CrashLoad.Device("acme-vf", 100)), 1, persistence, null, null, out var firstWorld);
        Assert.True(first.PassedChecks, first.ToJson());
        var second = FleetRunner.Run(Worlds.OneDevice(CrashLoad.Device("swift-vhost", 100)), 1,
            new RunOptions { Persistence = persistence, Store = firstWorld.Store }, out _);
        Assert.True(second.PassedChecks, second.ToJson());
        Assert.Equal(1, second[FleetCounter.DeviceRecoveries]);
        Assert.Equal(1, second[FleetCounter.DeviceNeedsReset]);
        Assert.Equal(0, first[FleetCounter.DeviceNeedsReset]);
    }

    [Fact]
    public async Task A_packed_ring_falls_back_to_a_driver_reset_and_still_loses_and_doubles_nothing()
    {
        var device = CrashLoad.Device("acme-vf", 600, packed: true);
        var report = CrashLoad.Run(device, 5, FleetPersistence.Default, deviceCrashes: 2, backendCrashes: 0, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.True(2 == report[FleetCounter.DeviceCrashes], report.ToJson());
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        Assert.True(report[FleetCounter.DriverRecoveries] >= 1, report.ToJson());
    }

    [Fact]
    public void Store_latency_makes_recovery_take_virtual_time()
    {
        var device = CrashLoad.Device("qemu-emu", 400);
        var report = CrashLoad.Run(device, 9, FleetPersistence.Default, deviceCrashes: 1, backendCrashes: 0, out _,
            Simulator.StoreLatency(TimeSpan.FromMicroseconds(5)));

        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(1, report.Recoveries.Count);
        // Snapshot load and event replay of the device journal: at least two store calls of 5 us each.
        Assert.True(report.Recoveries.VirtualMax >= TimeSpan.FromMicroseconds(10), report.ToJson());
    }

    [Fact]
    public void Without_persistence_nothing_is_journaled()
    {
        var device = CrashLoad.Device("acme-vf", 200);
        var report = FleetRunner.Run(Worlds.OneDevice(device), 1, null, null, out var world);

        Assert.Null(world.Persistence);
        Assert.Equal(0, report[FleetCounter.DiskEventsJournaled] + report[FleetCounter.DeviceEventsJournaled] + report[FleetCounter.BackendRecoveries]);
    }
}
