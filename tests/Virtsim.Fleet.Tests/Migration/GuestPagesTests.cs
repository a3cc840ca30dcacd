using Virtsim.Fleet.Migration;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Migration;

public class GuestPagesTests
{
    [Fact]
    public void Copy_all_makes_the_destination_equal_and_differences_name_the_pages()
    {
        var from = new SparseMemoryRegion(0, 8UL << 20);
        var to = new SparseMemoryRegion(0, 8UL << 20);
        from.GetSpan(5 * 4096 + 1, 1)[0] = 1;
        from.GetSpan(1000UL * 4096, 1)[0] = 2;
        to.GetSpan(9 * 4096, 1)[0] = 3; // stale at the destination
        Assert.Equal([5UL, 9UL, 1000UL], GuestPages.Differences(from, to));
        Assert.Equal(2, GuestPages.CopyAll(from, to));
        Assert.Empty(GuestPages.Differences(from, to));

        from.GetSpan(5 * 4096 + 2, 1)[0] = 7; // a write the log missed
        from.GetSpan(6 * 4096, 1); // touched but zero: equal to an untouched page
        Assert.Equal([5UL], GuestPages.Differences(from, to));
        GuestPages.Copy(from, to, [5UL, 6UL]);
        Assert.Empty(GuestPages.Differences(from, to));
    }

    [Fact]
    public void The_guest_view_marks_the_log_for_what_it_touches()
    {
        var region = new SparseMemoryRegion(0, 1UL << 20);
        var log = new DirtyLog(1UL << 20);
        var guest = new GuestMemory(new DirtyTrackingRegion(region, log));
        var device = new GuestMemory(region);
        Assert.True(guest.TryWriteU32(3 * 4096 + 8, 42));
        Assert.True(device.TryWriteU32(4 * 4096, 43)); // a device view of its own marks nothing here
        Assert.Equal([3UL], log.CollectAndClear());
        Assert.True(device.TryReadU32(3 * 4096 + 8, out uint v));
        Assert.Equal(42u, v);
    }

    [Fact]
    public void Zeroing_through_the_tracking_view_marks_the_range_and_allocates_no_page()
    {
        // A driver zeroing a fresh ring area in a VM that may migrate: a write, so it is logged, but the untouched
        // pages under it stay untouched (they read as zeros on both sides of a migration).
        var region = new SparseMemoryRegion(0, 1UL << 20);
        var log = new DirtyLog(1UL << 20);
        var guest = new GuestMemory(new DirtyTrackingRegion(region, log));
        Assert.True(guest.TryWrite(3 * 4096 + 10, new byte[] { 7 }));
        log.CollectAndClear();
        Assert.True(guest.TryFill(2 * 4096, 3 * 4096, 0));
        Assert.Equal([2UL, 3UL, 4UL], log.CollectAndClear());
        Assert.Equal(1, region.AllocatedPages); // only the page written before
        Assert.True(guest.TryReadU16(3 * 4096 + 10, out ushort cleared));
        Assert.Equal(0, cleared);
    }

    [Fact]
    public void Reads_through_the_tracking_view_dirty_nothing_writes_and_spans_handed_out_do()
    {
        // A page the guest only reads must not be resent: else a device's untracked write to a page the guest then
        // reads would be copied by accident and the switchover's check would miss it.
        var region = new SparseMemoryRegion(0, 1UL << 20);
        var log = new DirtyLog(1UL << 20);
        var guest = new GuestMemory(new DirtyTrackingRegion(region, log));
        Assert.True(guest.TryReadU16(1 * 4096, out _));
        Assert.True(guest.TryReadU16Acquire(2 * 4096, out _));
        Assert.True(guest.TryReadU64(5 * 4096, out _));
        Assert.True(guest.TryRead(6 * 4096 - 8, new byte[16])); // across a page boundary
        Assert.Empty(log.CollectAndClear());
        Assert.True(guest.TryWriteU16Release(7 * 4096, 1));
        Assert.True(guest.TryWrite(9 * 4096 - 4, new byte[8]));
        Assert.True(guest.TryGetSpan(11 * 4096, 4, out _)); // the caller may write through it
        Assert.Equal([7UL, 8UL, 9UL, 11UL], log.CollectAndClear());
    }
}
