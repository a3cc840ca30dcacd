using System.Buffers.Binary;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>The shared in-flight area of a packed ring: golden offsets, the spec's store order, and recovery.</summary>
public class PackedInflightLayoutTests
{
    [Theory]
    [InlineData(1, 64UL)]
    [InlineData(4, 192UL)]
    [InlineData(8, 320UL)]
    [InlineData(128, 4160UL)]
    [InlineData(1024, 32832UL)]
    public void Each_ring_area_is_a_32_byte_header_plus_32_bytes_per_descriptor_rounded_to_64(ushort queueSize, ulong size)
    {
        Assert.Equal(size, PackedInflightLayout.QueueAreaSize(queueSize));
        Assert.Equal(size, InflightLayout.QueueAreaSize(queueSize, packed: true));
    }

    [Fact]
    public void Offsets_match_the_c_structures()
    {
        // QueueRegionPacked: u64, six u16, two u8, 7 bytes of padding (29), aligned to 8 for the entries' u64s.
        Assert.Equal((8, 10, 12, 14, 16, 18, 20, 21, 32), (PackedInflightLayout.VersionOffset, PackedInflightLayout.DescNumOffset,
            PackedInflightLayout.FreeHeadOffset, PackedInflightLayout.OldFreeHeadOffset, PackedInflightLayout.UsedIdxOffset,
            PackedInflightLayout.OldUsedIdxOffset, PackedInflightLayout.UsedWrapOffset, PackedInflightLayout.OldUsedWrapOffset,
            PackedInflightLayout.HeaderSize));
        // DescStatePacked: inflight u8, padding u8, next, last, num, counter u64, id, flags, len u32, addr u64.
        Assert.Equal((0, 2, 4, 6, 8, 16, 18, 20, 24, 32), (PackedInflightLayout.EntryInflightOffset, PackedInflightLayout.EntryNextOffset,
            PackedInflightLayout.EntryLastOffset, PackedInflightLayout.EntryNumOffset, PackedInflightLayout.EntryCounterOffset,
            PackedInflightLayout.EntryIdOffset, PackedInflightLayout.EntryFlagsOffset, PackedInflightLayout.EntryLenOffset,
            PackedInflightLayout.EntryAddrOffset, PackedInflightLayout.EntrySize));
        Assert.Equal(32UL, PackedInflightLayout.EntryOffset(0));
        Assert.Equal(192UL, PackedInflightLayout.EntryOffset(5));
        Assert.Equal(8320UL, InflightLayout.RegionSize(2, 128, packed: true));
        Assert.Equal(4160UL, InflightLayout.QueueAreaOffset(1, 128, packed: true));
    }

    private static unsafe Span<byte> Area(InflightRegion region, int queue) =>
        new((void*)(region.Address + (nint)InflightLayout.QueueAreaOffset(queue, region.Description.QueueSize, packed: true)),
            (int)PackedInflightLayout.QueueAreaSize(region.Description.QueueSize));

    private static ushort U16(Span<byte> area, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(area[offset..]);

    private static int Entry(int index, int field) => 32 + 32 * index + field;

    // Ring slot flags for recovery: every slot still reads as available for wrap counter 1 (nothing was used).
    private static ushort NothingUsed(ushort slot) => PackedLayout.AvailableBits(true);

    [Fact]
    public void A_packed_region_refuses_split_trackers_and_the_other_way_round()
    {
        using var packed = InflightRegion.Create(1, 8, packed: true);
        using var split = InflightRegion.Create(1, 8);
        Assert.Equal(320UL, packed.Description.MmapSize);
        Assert.Throws<InvalidOperationException>(() => packed.Tracker(0));
        Assert.Throws<InvalidOperationException>(() => split.PackedTracker(0));
    }

    [Fact]
    public void Tracking_writes_the_fields_where_the_layout_says_in_the_spec_order()
    {
        using var region = InflightRegion.Create(2, 8, packed: true);
        var area = Area(region, 1);
        var tracker = region.PackedTracker(1);
        var steps = new List<string>();
        var recovery = tracker.Recover(RingPosition.Start, NothingUsed);
        Assert.Empty(recovery.Chains);
        Assert.Equal((1, 8, 0, 0, 0, 0, 1, 1), (U16(area, 8), U16(area, 10), U16(area, 12), U16(area, 14), U16(area, 16), U16(area, 18), area[20], area[21]));
        var free = new int[8];
        for (int i = 0; i < 8; i++) free[i] = U16(area, Entry(i, 2));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], free); // the free list

        tracker.AfterStep = () => steps.Add($"free {tracker.FreeHead} old {tracker.OldFreeHead} used {tracker.Used} old {tracker.OldUsed}");
        var a = new PackedDescriptor(0x1000, 16, 0, PackedLayout.FlagNext | PackedLayout.FlagAvail);
        var b = new PackedDescriptor(0x2000, 512, 7, PackedLayout.FlagWrite | PackedLayout.FlagAvail);
        tracker.Popped([a, b]);
        // Head entry 0: inflight, counter 1, num 2, last 1; copies in entries 0 and 1; free list moved to 2.
        Assert.Equal((1, 1UL, 2, 1), (area[Entry(0, 0)], BinaryPrimitives.ReadUInt64LittleEndian(area[Entry(0, 8)..]), U16(area, Entry(0, 6)), U16(area, Entry(0, 4))));
        Assert.Equal((7, (ushort)(PackedLayout.FlagWrite | PackedLayout.FlagAvail), 512u, 0x2000UL),
            (U16(area, Entry(1, 16)), U16(area, Entry(1, 18)), BinaryPrimitives.ReadUInt32LittleEndian(area[Entry(1, 20)..]), BinaryPrimitives.ReadUInt64LittleEndian(area[Entry(1, 24)..])));
        Assert.Equal(0x1000UL, BinaryPrimitives.ReadUInt64LittleEndian(area[Entry(0, 24)..]));
        Assert.Equal((2, 2), (U16(area, 12), U16(area, 14)));
        Assert.Equal(["free 0 old 0 used 0/1 old 0/1", "free 1 old 0 used 0/1 old 0/1", "free 2 old 0 used 0/1 old 0/1", "free 2 old 2 used 0/1 old 0/1"], steps);
        Assert.True(tracker.IsInFlight(7));

        steps.Clear();
        tracker.Completing(7, 2);
        // The chain's entries go back in front of the free list, the used position moves; the old_* fields do not yet.
        Assert.Equal((0, 2), (U16(area, 12), U16(area, Entry(1, 2))));
        Assert.Equal(1, area[Entry(0, 0)]);
        tracker.Completed(7);
        Assert.Equal(0, area[Entry(0, 0)]);
        Assert.Equal((0, 0, 2, 2), (U16(area, 12), U16(area, 14), U16(area, 16), U16(area, 18)));
        Assert.Equal(["free 0 old 2 used 0/1 old 0/1", "free 0 old 2 used 2/1 old 0/1", "free 0 old 2 used 2/1 old 0/1",
            "free 0 old 2 used 2/1 old 0/1", "free 0 old 0 used 2/1 old 0/1", "free 0 old 0 used 2/1 old 2/1"], steps);
        Assert.True(Area(region, 0).ToArray().All(x => x == 0)); // the other ring's area is untouched
    }

    [Fact]
    public void Recovery_returns_chains_in_counter_order_with_their_copies_and_positions()
    {
        using var region = InflightRegion.Create(1, 8, packed: true);
        var first = region.PackedTracker(0);
        first.Recover(RingPosition.Start, NothingUsed);
        var chains = new[]
        {
            new[] { D(0x100, 1, next: true), D(0x200, 1) },
            [D(0x300, 2)],
            [D(0x400, 3, next: true), D(0x500, 3, next: true), D(0x600, 3)],
            [D(0x700, 4)],
        };
        foreach (var c in chains) first.Popped(c);
        first.Completing(2, 1); // the second chain is done and published
        first.Completed(2);

        var second = region.PackedTracker(0);
        var recovery = second.Recover(RingPosition.Start, slot => slot == 0 ? PackedLayout.UsedBits(true) : NothingUsed(slot));
        Assert.Equal(3, recovery.Chains.Length);
        Assert.Equal(chains[0], recovery.Chains[0]);
        Assert.Equal(chains[2], recovery.Chains[1]);
        Assert.Equal(chains[3], recovery.Chains[2]);
        Assert.Equal(new RingPosition(1, true), recovery.NextUsed);
        Assert.Equal(new RingPosition(7, true), recovery.NextAvail); // 1 used + 2 + 3 + 1 still in flight
        Assert.Equal(first.NextCounter, second.NextCounter);
        Assert.True(second.IsInFlight(4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_completion_half_published_is_rolled_back_unless_its_used_descriptor_was_written(bool flagsWritten)
    {
        using var region = InflightRegion.Create(1, 4, packed: true);
        var first = region.PackedTracker(0);
        first.Recover(RingPosition.Start, NothingUsed);
        first.Popped([D(0x100, 1)]);
        first.Popped([D(0x200, 2, next: true), D(0x300, 2)]);
        first.Completing(2, 2); // used_idx moved to 2; the back-end dies before or after writing the flags of slot 0
        Assert.Equal(new RingPosition(2, true), first.Used);
        Assert.Equal(new RingPosition(0, true), first.OldUsed);

        var recovery = region.PackedTracker(0).Recover(RingPosition.Start,
            slot => slot == 0 && flagsWritten ? PackedLayout.UsedBits(true) : NothingUsed(slot));
        if (flagsWritten)
        {
            // Committed: chain 2 is done, chain 1 (slot 0's original descriptor is gone) is redone from its copy.
            Assert.Equal([[D(0x100, 1)]], recovery.Chains);
            Assert.Equal(new RingPosition(2, true), recovery.NextUsed);
            Assert.Equal(new RingPosition(3, true), recovery.NextAvail);
        }
        else
        {
            // Rolled back: both chains are redone, in pop order, and nothing was used.
            Assert.Equal(2, recovery.Chains.Length);
            Assert.Equal(0x100UL, recovery.Chains[0][0].Address);
            Assert.Equal(0x200UL, recovery.Chains[1][0].Address);
            Assert.Equal(new RingPosition(0, true), recovery.NextUsed);
            Assert.Equal(new RingPosition(3, true), recovery.NextAvail);
        }
    }

    [Fact]
    public void A_chain_popped_halfway_is_forgotten_and_read_again_from_the_ring()
    {
        using var region = InflightRegion.Create(1, 4, packed: true);
        var first = region.PackedTracker(0);
        first.Recover(RingPosition.Start, NothingUsed);
        first.Popped([D(0x100, 1)]);
        int step = 0;
        first.AfterStep = () => { if (++step == 2) throw new InvalidOperationException("killed"); };
        Assert.Throws<InvalidOperationException>(() => first.Popped([D(0x200, 2, next: true), D(0x300, 2)]));

        var recovery = region.PackedTracker(0).Recover(RingPosition.Start, NothingUsed);
        Assert.Equal([[D(0x100, 1)]], recovery.Chains);
        Assert.Equal(new RingPosition(1, true), recovery.NextAvail);
    }

    [Fact]
    public void Positions_wrap_with_the_ring()
    {
        using var region = InflightRegion.Create(1, 4, packed: true);
        var tracker = region.PackedTracker(0);
        tracker.Recover(new RingPosition(3, true), NothingUsed);
        tracker.Popped([D(0x100, 1, next: true), D(0x200, 1)]);
        tracker.Completing(1, 2);
        tracker.Completed(1);
        Assert.Equal(new RingPosition(1, false), tracker.Used);
        tracker.Popped([D(0x300, 2)]);
        var recovery = region.PackedTracker(0).Recover(RingPosition.Start, NothingUsed);
        Assert.Equal(new RingPosition(1, false), recovery.NextUsed);
        Assert.Equal(new RingPosition(2, false), recovery.NextAvail);
    }

    [Fact]
    public void An_area_for_another_ring_size_or_with_a_looping_free_list_is_refused()
    {
        using var region = InflightRegion.Create(1, 8, packed: true);
        region.PackedTracker(0).Recover(RingPosition.Start, NothingUsed);
        var area = Area(region, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(area[10..], 4);
        Assert.Throws<VhostUserProtocolException>(() => region.PackedTracker(0).Recover(RingPosition.Start, NothingUsed));
        BinaryPrimitives.WriteUInt16LittleEndian(area[10..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(area[Entry(3, 2)..], 1); // 1 -> 2 -> 3 -> 1 ...
        Assert.Throws<VhostUserProtocolException>(() => region.PackedTracker(0).Recover(RingPosition.Start, NothingUsed));
    }

    private static PackedDescriptor D(ulong address, ushort id, bool next = false) =>
        new(address, 64, id, (ushort)(PackedLayout.FlagAvail | (next ? PackedLayout.FlagNext : PackedLayout.FlagWrite)));
}
