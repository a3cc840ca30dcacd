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
}
