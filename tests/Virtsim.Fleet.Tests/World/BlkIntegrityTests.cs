using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.World;

public class BlkIntegrityTests
{
    [Fact]
    public void Ten_thousand_random_writes_read_back_with_matching_checksums_and_the_flush_made_them_durable()
    {
        var device = Worlds.Blk(TransportKind.Pci, VendorProfiles.AcmeVf, requests: 10_000) with { DiskSectors = 1 << 15, QueueDepth = 32 };
        var report = FleetRunner.Run(Worlds.OneDevice(device), seed: 11, null, null, out var world);

        Assert.True(report.Completed, report.ToJson());
        var result = world.Results.Single();
        Assert.Equal(0, result.IntegrityErrors);
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(result.Issued, result.Completed);
        Assert.True(result.Blocks.Count > 3000, $"only {result.Blocks.Count} distinct blocks written");
        // 10,000 writes + 1 flush + one read per distinct block.
        Assert.Equal(10_000 + 1 + result.Blocks.Count, report[FleetCounter.BlkRequests]);

        // The flush was honoured: nothing is left only in the volatile cache, so a power loss loses nothing.
        var disk = world.Disk("host-1/vm-1/blk0");
        Assert.Equal(0, disk.CachedSectorCount);
        disk.DropCache();
        AckedWrites.AssertDurable(disk, device, result.Blocks);
    }

    [Fact]
    public void Writes_are_cached_until_the_flush_when_writeback_was_negotiated()
    {
        // Stop the world right after the writes, before the flush completes: completed writes sit in the cache.
        var device = Worlds.Blk(TransportKind.Mmio, VendorProfiles.SwiftVhost, requests: 300);
        int cachedBeforeFlush = -1;
        FleetRunner.Run(Worlds.OneDevice(device), seed: 5, null, (world, sim) =>
        {
            var disk = world.Disk("host-1/vm-1/blk0");
            sim.RunUntil(() => world.Results.Single().Completed >= 300, TimeSpan.FromSeconds(1));
            cachedBeforeFlush = disk.CachedSectorCount;
        });
        Assert.True(cachedBeforeFlush > 0, "writeback caching was not in force");
    }
}
