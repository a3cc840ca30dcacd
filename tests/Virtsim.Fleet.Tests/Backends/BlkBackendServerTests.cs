using System.Buffers.Binary;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Persistence;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>The backend's server: the core blk device over the disk, and what a crash does to the cache.</summary>
public class BlkBackendServerTests
{
    private static readonly FeatureSet Features = FeatureSet.Of(FeatureBit.Version1, BlkFeatureBit.Flush, BlkFeatureBit.ConfigWce);
    private ulong _tag;

    private BackendRequest Request(uint type, ulong sector, byte[] data, uint writable, bool writeback)
    {
        var readable = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(readable, type);
        BinaryPrimitives.WriteUInt64LittleEndian(readable.AsSpan(8), sector);
        data.CopyTo(readable, 16);
        return new BackendRequest(++_tag, 0, Features.Low, Features.High, writeback, writable, readable);
    }

    private static byte[] Pattern(byte seed) => Enumerable.Range(0, 512).Select(i => (byte)(i * 7 + seed)).ToArray();

    [Fact]
    public void A_write_then_a_read_round_trips_through_the_core_device_with_status_ok()
    {
        var disk = new MemoryBlockStore(64);
        var server = new BlkBackendServer(disk, new BlkDeviceOptions());
        var writeRequest = Request(BlkRequestType.Out, 3, Pattern(1), 1, writeback: false);
        var write = server.Serve(writeRequest);
        Assert.Equal(1u, write.Written);
        Assert.Equal([BlkStatus.Ok], write.Writable);
        Assert.NotNull(DiskChange.Of(writeRequest)); // a change the persistent backend journals
        var media = new byte[512];
        Assert.True(disk.TryReadDurable(3, media)); // writethrough: on the media at once
        Assert.Equal(Pattern(1), media);
        var readRequest = Request(BlkRequestType.In, 3, [], 513, writeback: false);
        var read = server.Serve(readRequest);
        Assert.Equal(513u, read.Written);
        Assert.Equal(Pattern(1), read.Writable[..512]);
        Assert.Equal(BlkStatus.Ok, read.Writable[512]);
        Assert.Null(DiskChange.Of(readRequest)); // a read changes nothing
        Assert.Equal(1, disk.DurableSectorCount);
        Assert.Equal(0, disk.CachedSectorCount);
        var outOfRange = server.Serve(Request(BlkRequestType.In, 64, [], 513, writeback: false));
        Assert.Equal(BlkStatus.IoErr, outOfRange.Writable[^1]);
    }

    [Fact]
    public void A_crash_loses_completed_writes_only_while_they_are_unflushed_in_a_writeback_cache()
    {
        var disk = new MemoryBlockStore(64);
        var server = new BlkBackendServer(disk, new BlkDeviceOptions());
        server.Serve(Request(BlkRequestType.Out, 1, Pattern(1), 1, writeback: true));
        Assert.True(disk.IsCached(1));
        var flush = server.Serve(Request(BlkRequestType.Flush, 0, [], 1, writeback: true));
        Assert.Equal([BlkStatus.Ok], flush.Writable);
        Assert.Equal(1, disk.FlushCount);
        Assert.False(disk.IsCached(1)); // the flush made it durable
        server.Serve(Request(BlkRequestType.Out, 2, Pattern(2), 1, writeback: true)); // completed, not flushed
        Assert.True(disk.IsCached(2));
        server.LoseCache();
        Assert.Equal(0, disk.CachedSectorCount);

        var restarted = new BlkBackendServer(disk, new BlkDeviceOptions()); // the next incarnation, same disk
        var flushed = restarted.Serve(Request(BlkRequestType.In, 1, [], 513, writeback: true));
        var lost = restarted.Serve(Request(BlkRequestType.In, 2, [], 513, writeback: true));
        Assert.Equal(Pattern(1), flushed.Writable[..512]);
        Assert.Equal(new byte[512], lost.Writable[..512]); // allowed by the blk spec: it was never flushed

        // Writethrough: a completed write is durable at once and survives the crash.
        restarted.Serve(Request(BlkRequestType.Out, 4, Pattern(4), 1, writeback: false));
        restarted.LoseCache();
        var kept = new BlkBackendServer(disk, new BlkDeviceOptions()).Serve(Request(BlkRequestType.In, 4, [], 513, writeback: false));
        Assert.Equal(Pattern(4), kept.Writable[..512]);
    }
}
