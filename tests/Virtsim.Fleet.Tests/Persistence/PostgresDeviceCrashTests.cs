using Virtsim.Tests.Shared;
using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>Device and backend crashes mid-load, recovered from PostgreSQL (a real throwaway server).</summary>
[Collection(PostgresCollection.Name)]
public class PostgresDeviceCrashTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Crashes_mid_load_recover_from_snapshot_and_journal()
    {
        await using var store = await PostgresStore.CreateAsync(fixture.Cluster);
        var device = CrashLoad.Device("swift-vhost", 300);
        var report = CrashLoad.Run(device, 41, store.Persistence(new PersistentActorOptions { SnapshotEvery = 40 }), deviceCrashes: 2,
            backendCrashes: 1, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.True(2 == report[FleetCounter.DeviceCrashes], report.ToJson());
        Assert.Equal(2, report.Recoveries.Count);
        Assert.True(1 == report[FleetCounter.BackendCrashes], report.ToJson());
    }

    [Fact]
    public async Task Net_device_crashes_mid_load_recover_and_lose_only_the_frames_they_dropped()
    {
        await using var store = await PostgresStore.CreateAsync(fixture.Cluster);
        var a = NetCrashLoad.Device("swift-vhost", 500);
        var b = NetCrashLoad.Device("acme-vf", 500, Endpoints.TransportKind.Mmio);
        var report = NetCrashLoad.Run(a, b, 43, store.Persistence(new PersistentActorOptions { SnapshotEvery = 5 }), deviceCrashes: 2,
            backendCrashes: 1, out var world);

        NetCrashLoad.AssertAtMostOnceAndOnlyCrashLosses(report, world, deviceCrashes: 2);
        Assert.True(1 == report[FleetCounter.BackendCrashes], report.ToJson());
    }
}
