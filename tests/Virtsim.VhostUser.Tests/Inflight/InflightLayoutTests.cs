using System.Buffers.Binary;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>The shared in-flight area of a split ring: golden offsets, the spec's store order, and recovery.</summary>
public class InflightLayoutTests
{
    [Theory]
    [InlineData(1, 64UL)]
    [InlineData(4, 128UL)]
    [InlineData(8, 192UL)]
    [InlineData(128, 2112UL)]
    [InlineData(1024, 16448UL)]
    public void Each_ring_area_is_header_plus_16_bytes_per_descriptor_rounded_to_64(ushort queueSize, ulong size) =>
        Assert.Equal(size, InflightLayout.QueueAreaSize(queueSize));

    [Fact]
    public void Offsets_match_the_c_structures()
    {
        Assert.Equal((0, 8, 10, 12, 14, 16), (InflightLayout.FeaturesOffset, InflightLayout.VersionOffset, InflightLayout.DescNumOffset,
            InflightLayout.LastBatchHeadOffset, InflightLayout.UsedIdxOffset, InflightLayout.HeaderSize));
        Assert.Equal((0, 6, 8, 16), (InflightLayout.EntryInflightOffset, InflightLayout.EntryNextOffset, InflightLayout.EntryCounterOffset, InflightLayout.SplitEntrySize));
        Assert.Equal(16UL, InflightLayout.EntryOffset(0));
        Assert.Equal(96UL, InflightLayout.EntryOffset(5));
        Assert.Equal(4224UL, InflightLayout.RegionSize(2, 128));
        Assert.Equal(2112UL, InflightLayout.QueueAreaOffset(1, 128));
    }

    [Fact]
    public void Tracking_writes_the_fields_where_the_layout_says_in_the_spec_order()
    {
        using var region = InflightRegion.Create(2, 8);
        Assert.Equal(new InflightDescription(384, 0, 2, 8), region.Description);
        Assert.True(region.Fd >= 0);
        var area = region.Area(1);
        var tracker = region.Tracker(1);
        Assert.Empty(tracker.Recover(ringUsedIdx: 0));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(area[8..]));  // version
        Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(area[10..])); // desc_num

        tracker.Popped(3);
        tracker.Popped(5);
        Assert.Equal((1, 1UL), (area[16 + 3 * 16], BinaryPrimitives.ReadUInt64LittleEndian(area[(16 + 3 * 16 + 8)..])));
        Assert.Equal((1, 2UL), (area[16 + 5 * 16], BinaryPrimitives.ReadUInt64LittleEndian(area[(16 + 5 * 16 + 8)..])));

        tracker.Used(5);
        tracker.Used(3);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(area[12..]));                 // last_batch_head
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(area[(16 + 3 * 16 + 6)..])); // 3.next -> 5
        Assert.Equal(1, area[16 + 3 * 16]);                                                  // still in flight until published
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(area[14..]));

        tracker.Published();
        Assert.Equal((0, 0), (area[16 + 3 * 16], area[16 + 5 * 16]));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(area[14..]));               // used_idx
        Assert.True(region.Area(0).ToArray().All(b => b == 0));                             // the other ring's area is untouched
    }

    [Fact]
    public void Recovery_returns_heads_in_counter_order_not_index_order()
    {
        using var region = InflightRegion.Create(1, 8);
        var first = region.Tracker(0);
        first.Recover(0);
        foreach (ushort head in new ushort[] { 6, 1, 4, 2 }) first.Popped(head);
        first.Used(1);
        first.Published(); // used index 1

        var second = region.Tracker(0);
        Assert.Equal([6, 4, 2], second.Recover(ringUsedIdx: 1));
        Assert.Equal(first.NextCounter, second.NextCounter);
    }

    [Fact]
    public void A_batch_published_in_the_ring_but_not_cleared_is_cleared_not_redone()
    {
        using var region = InflightRegion.Create(1, 8);
        var first = region.Tracker(0);
        first.Recover(0);
        first.Popped(1);
        first.Popped(2);
        first.Popped(4);
        first.Used(2);
        first.Used(4);
        // The device published used.idx = 2 and died before clearing the batch.
        var second = region.Tracker(0);
        Assert.Equal([1], second.Recover(ringUsedIdx: 2));
        Assert.Equal(2, second.UsedIdx);
        Assert.False(second.IsInFlight(2) || second.IsInFlight(4));
    }

    [Fact]
    public void A_batch_not_yet_published_is_redone()
    {
        using var region = InflightRegion.Create(1, 8);
        var first = region.Tracker(0);
        first.Recover(0);
        first.Popped(1);
        first.Popped(2);
        first.Used(2);
        Assert.Equal([1, 2], region.Tracker(0).Recover(ringUsedIdx: 0));
    }

    [Fact]
    public void An_area_for_another_ring_size_or_a_batch_longer_than_the_ring_is_refused()
    {
        using var region = InflightRegion.Create(1, 8);
        region.Tracker(0).Recover(0);
        unsafe { *(ushort*)(region.Address + InflightLayout.DescNumOffset) = 4; }
        Assert.Throws<VhostUserProtocolException>(() => region.Tracker(0).Recover(0));
        unsafe { *(ushort*)(region.Address + InflightLayout.DescNumOffset) = 8; }
        Assert.Throws<VhostUserProtocolException>(() => region.Tracker(0).Recover(ringUsedIdx: 9));
    }
}
