using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>The device side against rings written byte by byte, as a mock driver would.</summary>
public class SplitDeviceQueueTests
{
    private const ushort Next = 1, Write = 2, Indirect = 4;

    [Fact]
    public void Pops_a_hand_written_direct_chain_and_writes_the_used_element()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        ulong d = ring.Data;
        ring.WriteDescriptor(5, d, 12, Next, 2);
        ring.WriteDescriptor(2, d + 0x100, 100, Next | Write, 7);
        ring.WriteDescriptor(7, d + 0x200, 1, Write, 0);
        ring.Offer(0, 5);
        var device = ring.Device();

        Assert.True(device.HasAvailable());
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.Equal(5, chain.Id);
        Assert.Equal(3, chain.DescriptorCount);
        Assert.False(chain.IsIndirect);
        Assert.Equal(
            new[] { new ChainSegment(d, 12, false), new ChainSegment(d + 0x100, 100, true), new ChainSegment(d + 0x200, 1, true) },
            chain.Segments.ToArray());
        Assert.Equal(12UL, chain.ReadableLength);
        Assert.Equal(101UL, chain.WritableLength);
        Assert.Equal(PopResult.Empty, device.TryPop(out _));
        Assert.Equal(1, device.InFlightCount);

        Assert.True(device.TryComplete(chain, 101));
        Assert.Equal((5u, 101u), ring.UsedElement(0));
        Assert.Equal(0, ring.UsedIdx);
        Assert.True(device.PublishUsed());
        Assert.Equal(1, ring.UsedIdx);
        Assert.Equal(0, device.InFlightCount);
        Assert.False(device.PublishUsed()); // nothing new
    }

    [Fact]
    public void Reads_an_indirect_table_in_one_burst_after_direct_descriptors()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ulong d = ring.Data, table = ring.Indirect;
        // Zero or more direct descriptors followed by one INDIRECT one is valid (spec §2.7.5.3.2).
        ring.WriteDescriptor(0, d, 8, Next, 3);
        ring.WriteDescriptor(3, table, 32, Indirect | Write, 0); // WRITE on the table descriptor is ignored
        ring.WriteDescriptor(table, 0, d + 0x10, 4, Next, 1);
        ring.WriteDescriptor(table, 1, d + 0x20, 64, Write, 0);
        ring.Offer(0, 0);
        var device = ring.Device();

        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.True(chain.IsIndirect);
        Assert.Equal(2, chain.DescriptorCount);
        Assert.Equal(3, chain.SegmentCount);
        Assert.Equal(12UL, chain.ReadableLength);
        Assert.Equal(64UL, chain.WritableLength);
        var c = device.Memory.Counters;
        Assert.Equal(3, c.Reads(MemoryAccessKind.Descriptor)); // 2 ring descriptors + 1 table burst
        Assert.Equal(2 * 16 + 32, c.ReadBytes(MemoryAccessKind.Descriptor));
        Assert.Equal(1, c.Reads(MemoryAccessKind.RingIndex));
        Assert.Equal(1, c.Reads(MemoryAccessKind.RingEntry));
    }

    [Fact]
    public void Transactions_are_counted_by_kind()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(1, ring.Data, 16, Write, 0);
        ring.Offer(0, 1);
        var device = ring.Device();
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.True(chain.TryWrite(device.Memory, 0, new byte[16]));
        Assert.True(device.TryComplete(chain, 16));
        Assert.True(device.PublishUsed());
        var c = device.Memory.Counters;
        Assert.Equal(1, c.Reads(MemoryAccessKind.Descriptor));
        Assert.Equal(1, c.Reads(MemoryAccessKind.RingEntry));
        Assert.Equal(2, c.Reads(MemoryAccessKind.RingIndex)); // avail idx, avail flags
        Assert.Equal(1, c.Writes(MemoryAccessKind.RingEntry)); // one 8-byte used element
        Assert.Equal(1, c.Writes(MemoryAccessKind.RingIndex)); // one used idx store
        Assert.Equal(1, c.Writes(MemoryAccessKind.Data));
        Assert.Equal(0, c.Reads(MemoryAccessKind.EventSuppression));
    }

    [Fact]
    public void In_order_batch_writes_one_used_element_and_advances_idx_by_the_batch()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true));
        ulong d = ring.Data;
        ring.WriteDescriptor(0, d, 16, Write, 0);
        ring.WriteDescriptor(1, d + 0x100, 16, Write, 0);
        ring.WriteDescriptor(2, d + 0x200, 16, Write, 0);
        ring.Offer(0, 0, 1, 2);
        var device = ring.Device();
        Assert.True(device.BatchInOrder);
        var chains = new DescriptorChain[3];
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, device.TryPop(out chains[i]));
        Assert.True(device.TryComplete(chains[0], 16));
        Assert.True(device.TryComplete(chains[1], 16));
        Assert.True(device.TryComplete(chains[2], 5));
        ring.WriteUsedElement(1, 0xDEAD, 0xBEEF); // slots the batch skips stay untouched
        Assert.True(device.PublishUsed());
        Assert.Equal(3, ring.UsedIdx);
        Assert.Equal((2u, 5u), ring.UsedElement(0)); // id of the last buffer, at the slot of the first
        Assert.Equal((0xDEADu, 0xBEEFu), ring.UsedElement(1));
        Assert.Equal(1, device.Memory.Counters.Writes(MemoryAccessKind.RingEntry));
    }

    [Fact]
    public void In_order_batch_ends_at_a_partially_written_buffer()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true));
        for (int i = 0; i < 3; i++) ring.WriteDescriptor(i, ring.Data + (ulong)i * 0x100, 16, Write, 0);
        ring.Offer(0, 0, 1, 2);
        var device = ring.Device();
        var chains = new DescriptorChain[3];
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, device.TryPop(out chains[i]));
        Assert.True(device.TryComplete(chains[0], 3)); // partial: cannot be skipped over
        Assert.True(device.TryComplete(chains[1], 16));
        Assert.True(device.TryComplete(chains[2], 16));
        Assert.True(device.PublishUsed());
        Assert.Equal(3, ring.UsedIdx);
        Assert.Equal((0u, 3u), ring.UsedElement(0));
        Assert.Equal((2u, 16u), ring.UsedElement(1)); // batch {1, 2} at the slot of buffer 1
    }

    [Fact]
    public void In_order_without_batching_writes_one_element_per_buffer()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true));
        for (int i = 0; i < 2; i++) ring.WriteDescriptor(i, ring.Data + (ulong)i * 0x100, 16, Write, 0);
        ring.Offer(0, 0, 1);
        var device = ring.Device();
        device.BatchInOrder = false;
        Assert.Equal(PopResult.Popped, device.TryPop(out var a));
        Assert.Equal(PopResult.Popped, device.TryPop(out var b));
        Assert.Throws<InvalidOperationException>(() => device.TryComplete(b, 1));
        Assert.True(device.TryComplete(a, 16));
        Assert.True(device.TryComplete(b, 16));
        Assert.True(device.PublishUsed());
        Assert.Equal((0u, 16u), ring.UsedElement(0));
        Assert.Equal((1u, 16u), ring.UsedElement(1));
    }

    [Fact]
    public void Switching_batching_off_flushes_the_pending_batch_at_its_slot()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true));
        for (int i = 0; i < 3; i++) ring.WriteDescriptor(i, ring.Data + (ulong)i * 0x100, 16, Write, 0);
        ring.Offer(0, 0, 1, 2);
        var device = ring.Device();
        var chains = new DescriptorChain[3];
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, device.TryPop(out chains[i]));
        Assert.True(device.TryComplete(chains[0], 16));
        Assert.True(device.TryComplete(chains[1], 16));
        device.BatchInOrder = false;
        Assert.True(device.TryComplete(chains[2], 4));
        Assert.True(device.PublishUsed());
        Assert.Equal(3, ring.UsedIdx);
        Assert.Equal((1u, 16u), ring.UsedElement(0));
        Assert.Equal((2u, 4u), ring.UsedElement(2));
    }

    [Fact]
    public void Completing_a_chain_twice_is_rejected()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 16, 0, 0);
        ring.Offer(0, 0);
        var device = ring.Device();
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.True(device.TryComplete(chain, 0));
        Assert.Throws<ArgumentException>(() => device.TryComplete(chain, 0));
    }

    [Fact]
    public void Notification_data_records_the_drivers_next_avail_index()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        var device = ring.Device();
        Assert.Null(device.NotifiedAvailIndex);
        device.OnNotificationData(NotificationData.ForSplit(3, 5));
        Assert.Equal((ushort)5, device.NotifiedAvailIndex);
        Assert.Equal(5, device.NotifiedAvailableCount);
        device.Reset();
        Assert.Null(device.NotifiedAvailIndex);
    }

    [Fact]
    public void Notification_data_lets_the_device_skip_reading_avail_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features(), dataBytes: 0x1000);
        var driver = ring.Driver();
        var device = ring.Device();
        device.UseNotificationData = true;
        for (int i = 0; i < 3; i++) Assert.True(driver.TryAdd([new BufferSegment(ring.Data, 8, true)], false, out _));
        Assert.True(driver.PublishAvailable());
        device.OnNotificationData(driver.NotificationData(5));
        Assert.Equal(3, device.NotifiedAvailableCount);
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, device.TryPop(out _));
        Assert.Equal(0, device.Memory.Counters.Reads(MemoryAccessKind.RingIndex));
        Assert.Equal(PopResult.Empty, device.TryPop(out _)); // caught up: reads the index
        Assert.Equal(1, device.Memory.Counters.Reads(MemoryAccessKind.RingIndex));
        device.OnNotificationData(NotificationData.ForSplit(5, 1)); // stale value behind the device: ignored
        Assert.Equal(PopResult.Empty, device.TryPop(out _));
        Assert.False(device.Error.IsError);
    }

    [Fact]
    public void Save_and_restore_continue_exactly_with_in_flight_chains_completable()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        for (int i = 0; i < 4; i++) ring.WriteDescriptor(i, ring.Data + (ulong)i * 0x100, 32, Write, 0);
        ring.Offer(0, 0, 1, 2, 3);
        var device = ring.Device();
        var popped = new DescriptorChain[3];
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, device.TryPop(out popped[i]));
        Assert.True(device.TryComplete(popped[1], 9));
        Assert.True(device.PublishUsed());
        Assert.True(device.TryComplete(popped[2], 10)); // completed, not yet published

        var state = device.SaveState();
        Assert.Equal(3, state.NextAvail);
        Assert.Equal(2, state.NextUsed);
        Assert.Equal(1, state.SignalledUsed);
        Assert.Equal([(ushort)0], state.InFlight.Select(b => b.Id));

        var restored = SplitDeviceQueue.Restore(state, new DeviceMemory(ring.Memory));
        Assert.Equal(state with { }, restored.SaveState(), new StateComparer());
        var again = Assert.Single(restored.InFlight);
        Assert.Equal(0, again.Id);
        Assert.Equal(popped[0].Segments.ToArray(), again.Segments.ToArray());
        Assert.True(restored.TryComplete(again, 32));
        Assert.Equal(PopResult.Popped, restored.TryPop(out var fourth));
        Assert.Equal(3, fourth.Id);
        Assert.True(restored.TryComplete(fourth, 1));
        Assert.True(restored.PublishUsed());
        Assert.Equal(4, ring.UsedIdx);
        Assert.Equal(new[] { (1u, 9u), (2u, 10u), (0u, 32u), (3u, 1u) }, Enumerable.Range(0, 4).Select(ring.UsedElement));
    }

    private sealed class StateComparer : IEqualityComparer<QueueState>
    {
        public bool Equals(QueueState? x, QueueState? y) =>
            x!.Config == y!.Config && x.NextAvail == y.NextAvail && x.NextUsed == y.NextUsed && x.SignalledUsed == y.SignalledUsed &&
            x.NotificationsEnabled == y.NotificationsEnabled && x.InFlight.Length == y.InFlight.Length &&
            x.InFlight.Zip(y.InFlight).All(p => p.First.Id == p.Second.Id && p.First.Segments.SequenceEqual(p.Second.Segments));
        public int GetHashCode(QueueState obj) => 0;
    }

    [Fact]
    public void Reset_returns_to_the_just_enabled_state()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 16, 0, 0);
        ring.Offer(0, 0);
        var device = ring.Device();
        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        device.Reset();
        Assert.Equal(0, device.InFlightCount);
        Assert.Equal(0, device.NextAvail);
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain)); // same avail entry again, as after a ring reset
        Assert.Equal(0, chain.Id);
    }
}
