using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

public class DirtyLogTests
{
    [Fact]
    public void Uses_the_vhost_user_bit_layout()
    {
        var log = new DirtyLog(1 << 20);
        log.Mark(9 * 4096 + 100, 1); // page 9 -> byte 1, bit 1
        Assert.Equal(0b10, log.Bitmap[1]);
        Assert.True(log.IsDirty(9));
        Assert.False(log.IsDirty(8));
    }

    [Fact]
    public void A_write_across_pages_marks_each_page_it_touches()
    {
        var log = new DirtyLog(1 << 20);
        log.Mark(4096 - 1, 2 + 4096); // last byte of page 0 .. first byte of page 2
        Assert.Equal([0UL, 1, 2], log.CollectAndClear());
        Assert.Equal(0, log.DirtyCount());
    }

    [Fact]
    public void Pages_beyond_the_log_are_ignored()
    {
        var log = new DirtyLog(8 * 4096);
        log.Mark(100 * 4096, 4096);
        log.Mark(ulong.MaxValue - 10, 100);
        Assert.Equal(0, log.DirtyCount());
    }
}
