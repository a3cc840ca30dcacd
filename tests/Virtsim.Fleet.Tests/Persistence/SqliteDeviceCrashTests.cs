using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>Device and backend crashes mid-load, recovered from a SQLite file; and determinism over SQLite.</summary>
public class SqliteDeviceCrashTests
{
    [Theory]
    [InlineData("acme-vf", 21, TransportKind.Pci)]
    [InlineData("swift-vhost", 22, TransportKind.Mmio)]
    public async Task Crashes_mid_load_recover_from_snapshot_and_journal(string vendor, int seed, TransportKind transport)
    {
        await using var store = await SqliteStore.CreateAsync();
        var device = CrashLoad.Device(vendor, 500, transport: transport);
        var report = CrashLoad.Run(device, seed, store.Persistence(new PersistentActorOptions { SnapshotEvery = 40 }), deviceCrashes: 2,
            backendCrashes: 2, out var world);

        await CrashLoad.AssertNothingLostOrDoubled(report, world, device);
        Assert.True(2 == report[FleetCounter.DeviceCrashes], report.ToJson());
        Assert.Equal(2, report.Recoveries.Count);
        Assert.True(2 == report[FleetCounter.BackendCrashes], report.ToJson());
    }

    [Fact]
    public async Task Same_seed_gives_the_same_trace_hash_and_different_seeds_differ()
    {
        var device = CrashLoad.Device("qemu-emu", 300);
        async Task<ulong> Hash(int seed)
        {
            await using var store = await SqliteStore.CreateAsync();
            var report = CrashLoad.Run(device, seed, store.Persistence(new PersistentActorOptions { SnapshotEvery = 30 }), 2, 1, out _);
            Assert.True(report.Completed, report.ToJson());
            Assert.Equal(0, report.AckedWritesLost);
            return report.TraceHash;
        }

        ulong first = await Hash(31), second = await Hash(31), other = await Hash(32);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }
}
