using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

public class SparseMemoryRegionTests
{
    [Fact]
    public void Touched_pages_are_listed_and_readable_without_allocating_others()
    {
        var region = new SparseMemoryRegion(0, 4UL << 20); // 1024 pages, two directory chunks
        region.GetSpan(3 * 4096 + 10, 1)[0] = 0xAB;
        region.GetSpan(700UL * 4096, 1)[0] = 0xCD;
        Assert.Equal([3UL, 700UL], region.AllocatedPageIndexes());
        Assert.True(region.TryGetAllocatedPage(3, out var page));
        Assert.Equal((4096, (byte)0xAB), (page.Length, page[10]));
        Assert.False(region.TryGetAllocatedPage(4, out _));
        Assert.False(region.TryGetAllocatedPage(1024, out _)); // past the end
        Assert.Equal(2, region.AllocatedPages); // looking allocated nothing
        Assert.Equal(1024UL, region.PageCount);
    }
}
