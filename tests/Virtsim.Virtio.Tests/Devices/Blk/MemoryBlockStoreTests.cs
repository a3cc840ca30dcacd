using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Virtio.Tests.Devices.Blk;

public class MemoryBlockStoreTests
{
    [Fact]
    public void A_flush_makes_the_cached_sectors_durable_without_copying_them()
    {
        // A fleet of disks under a write load holds every written sector: committing the writeback cache must not
        // allocate each sector a second time (it allocated 2 x 512 bytes per sector before).
        const int sectors = 256;
        var store = new MemoryBlockStore(4096, WriteCacheMode.Writeback);
        var data = new byte[sectors * 512];
        new Random(1).NextBytes(data);
        Assert.True(store.TryWrite(100, data));
        Assert.Equal(sectors, store.CachedSectorCount);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(store.TryFlush());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, store.CachedSectorCount);
        Assert.Equal(sectors, store.DurableSectorCount);
        Assert.True(allocated < sectors * 512 / 4, $"the flush allocated {allocated} bytes for {sectors} sectors");
        var read = new byte[data.Length];
        Assert.True(store.TryReadDurable(100, read));
        Assert.Equal(data, read);
    }

    [Fact]
    public void A_write_after_a_flush_does_not_change_the_durable_copy()
    {
        var store = new MemoryBlockStore(64, WriteCacheMode.Writeback);
        var first = Enumerable.Repeat((byte)1, 512).ToArray();
        var second = Enumerable.Repeat((byte)2, 512).ToArray();
        Assert.True(store.TryWrite(3, first));
        Assert.True(store.TryFlush());
        Assert.True(store.TryWrite(3, second));

        var durable = new byte[512];
        Assert.True(store.TryReadDurable(3, durable));
        Assert.Equal(first, durable);
        store.DropCache();
        var read = new byte[512];
        Assert.True(store.TryRead(3, read));
        Assert.Equal(first, read);
        Assert.False(store.TryFlush()); // the lost write is reported once
    }
}
