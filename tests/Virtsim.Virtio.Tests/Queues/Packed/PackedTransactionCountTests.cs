using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Tests.Memory;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>
/// Device-side bus transactions, counted as a hardware device would make them: one read per ring descriptor,
/// one per indirect table, one write per used descriptor, one per event structure access; no index or ring
/// entry traffic at all.
/// </summary>
public class PackedTransactionCountTests
{
    private static void AddSingles(PackedRig rig, int count)
    {
        for (int i = 0; i < count; i++) Assert.True(rig.Driver.TryAdd([new(DataArea + (ulong)i * 64, 16, true)], false, out _));
        rig.Driver.PublishAvailable();
    }

    [Fact]
    public void Single_descriptor_buffers_cost_one_read_and_one_write_each()
    {
        var rig = new PackedRig(16);
        AddSingles(rig, 8);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        foreach (var c in chains) Assert.True(rig.Device.TryComplete(c, 4));
        Assert.True(rig.Device.PublishUsed());

        var n = rig.DeviceMemory.Counters;
        Assert.Equal(9, n.Reads(MemoryAccessKind.Descriptor)); // 8 descriptors and the poll that found the 9th empty
        Assert.Equal(9 * 16, n.ReadBytes(MemoryAccessKind.Descriptor));
        Assert.Equal(8, n.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(8 * 8, n.WriteBytes(MemoryAccessKind.Descriptor)); // len, id, flags; the address is not rewritten
        Assert.Equal(1, n.Reads(MemoryAccessKind.EventSuppression));
        Assert.Equal(2, n.ReadBytes(MemoryAccessKind.EventSuppression)); // flags only without EVENT_IDX
        Assert.Equal(0, n.Reads(MemoryAccessKind.RingIndex) + n.Writes(MemoryAccessKind.RingIndex));
        Assert.Equal(0, n.Reads(MemoryAccessKind.RingEntry) + n.Writes(MemoryAccessKind.RingEntry));
        Assert.Equal(0, n.Writes(MemoryAccessKind.Data));
        Assert.Equal(9 + 8 + 1, n.RingOverhead);
    }

    [Fact]
    public void In_order_batch_writes_one_used_descriptor()
    {
        var rig = new PackedRig(16, inOrder: true);
        Assert.True(rig.Device.BatchInOrder);
        AddSingles(rig, 8);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        foreach (var c in chains) Assert.True(rig.Device.TryComplete(c, 16));
        Assert.Equal(8, rig.Device.PendingUsedCount);
        Assert.Equal(0, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(1, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        // The one used descriptor sits at slot 0 with the last buffer's id.
        Assert.Equal(7, BitConverter.ToUInt16(rig.RawSlot(0), 12));
        for (ushort id = 0; id < 8; id++)
        {
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(new UsedBuffer(id, 16), used);
        }
        Assert.Equal(TakeResult.Empty, rig.Driver.TryTakeUsed(out _));
        Assert.Equal(rig.Driver.NextUsed, rig.Device.NextUsed);
    }

    [Fact]
    public void In_order_batch_breaks_after_a_partly_written_buffer()
    {
        var rig = new PackedRig(16, inOrder: true);
        AddSingles(rig, 5);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        uint[] written = [16, 3, 16, 16, 0];
        for (int i = 0; i < 5; i++) Assert.True(rig.Device.TryComplete(chains[i], written[i]));
        Assert.True(rig.Device.PublishUsed());
        // Batches: {0, 1 (3 bytes)}, {2, 3, 4 (0 bytes)}: two used descriptors, at slots 0 and 2.
        Assert.Equal(2, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(1, BitConverter.ToUInt16(rig.RawSlot(0), 12));
        Assert.Equal(4, BitConverter.ToUInt16(rig.RawSlot(2), 12));
        for (ushort id = 0; id < 5; id++)
        {
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(new UsedBuffer(id, written[id]), used);
        }
    }

    [Fact]
    public void Without_batching_in_order_writes_each_buffer()
    {
        var rig = new PackedRig(16, inOrder: true);
        rig.Device.BatchInOrder = false;
        AddSingles(rig, 4);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        foreach (var c in chains) Assert.True(rig.Device.TryComplete(c, 16));
        Assert.Equal(4, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
    }

    [Fact]
    public void Switching_batching_off_writes_held_completions_first()
    {
        var rig = new PackedRig(16, inOrder: true);
        AddSingles(rig, 3);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        Assert.True(rig.Device.TryComplete(chains[0], 16));
        Assert.True(rig.Device.TryComplete(chains[1], 16));
        rig.Device.BatchInOrder = false;
        Assert.True(rig.Device.TryComplete(chains[2], 2));
        Assert.Equal(0, rig.Device.PendingUsedCount);
        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(2, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor)); // batch {0, 1}, then 2
        for (ushort id = 0; id < 3; id++)
        {
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(new UsedBuffer(id, id == 2 ? 2u : 16u), used);
        }
    }

    [Fact]
    public void Deferred_completions_are_written_at_publish_one_per_buffer_in_completion_order()
    {
        var rig = new PackedRig(16);
        rig.Device.DeferUsed = true;
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 64, 16, true)], false, out _));
        AddSingles(rig, 3);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        Assert.Equal(4, chains.Count);
        var order = new[] { chains[2], chains[0], chains[3], chains[1] };
        var expected = order.Select((c, i) => new UsedBuffer(c.Id, (uint)(i + 1))).ToArray();
        for (int i = 0; i < order.Length; i++) Assert.True(rig.Device.TryComplete(order[i], (uint)(i + 1)));
        Assert.Equal(4, rig.Device.PendingUsedCount);
        Assert.Equal(0, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(TakeResult.Empty, rig.Driver.TryTakeUsed(out _)); // nothing visible before the publish
        Assert.Equal(RingPosition.Start, rig.Device.NextUsed);

        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(0, rig.Device.PendingUsedCount);
        Assert.Equal(4, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(new RingPosition(5, true), rig.Device.NextUsed); // the two-descriptor chain moved it by two
        foreach (var want in expected)
        {
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(want, used);
        }
        Assert.Equal(TakeResult.Empty, rig.Driver.TryTakeUsed(out _));
        Assert.Equal(rig.Driver.NextUsed, rig.Device.NextUsed);
    }

    [Theory]
    [InlineData(false, 3)] // one used descriptor per buffer, as a driver reading every entry needs
    [InlineData(true, 1)]  // IN_ORDER batching still merges
    public void Deferred_in_order_completions_merge_only_with_batching(bool batch, int writes)
    {
        var rig = new PackedRig(16, inOrder: true);
        rig.Device.BatchInOrder = batch;
        rig.Device.DeferUsed = true;
        AddSingles(rig, 3);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        foreach (var c in chains) Assert.True(rig.Device.TryComplete(c, 16));
        Assert.Equal(0, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(writes, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        for (ushort id = 0; id < 3; id++)
        {
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(new UsedBuffer(id, 16), used);
        }
    }

    [Fact]
    public void Deferred_completions_go_out_in_bursts_of_32_during_a_long_pass()
    {
        var rig = new PackedRig(64);
        rig.Device.DeferUsed = true;
        AddSingles(rig, 40);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        Assert.Equal(40, chains.Count);
        for (int i = 0; i < 31; i++) Assert.True(rig.Device.TryComplete(chains[i], 1));
        Assert.Equal(0, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.True(rig.Device.TryComplete(chains[31], 1));
        Assert.Equal(0, rig.Device.PendingUsedCount);
        Assert.Equal(32, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(new RingPosition(32, true), rig.Device.NextUsed);
        for (int i = 32; i < 40; i++) Assert.True(rig.Device.TryComplete(chains[i], 1));
        Assert.Equal(8, rig.Device.PendingUsedCount);
        Assert.True(rig.Device.PublishUsed());
        int taken = 0;
        while (rig.Driver.TryTakeUsed(out var used) == TakeResult.Taken) Assert.Equal(new UsedBuffer((ushort)taken++, 1), used);
        Assert.Equal(40, taken);
    }

    [Fact]
    public void Merged_in_order_completions_go_out_as_one_used_descriptor_per_burst_of_32()
    {
        var rig = new PackedRig(64, inOrder: true);
        rig.Device.BatchInOrder = true;
        rig.Device.DeferUsed = true;
        AddSingles(rig, 40);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        Assert.Equal(40, chains.Count);
        for (int i = 0; i < 31; i++) Assert.True(rig.Device.TryComplete(chains[i], 16));
        Assert.Equal(0, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.True(rig.Device.TryComplete(chains[31], 16));
        Assert.Equal(0, rig.Device.PendingUsedCount);
        Assert.Equal(1, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor)); // the burst's last id, skipping 32
        Assert.Equal(new RingPosition(32, true), rig.Device.NextUsed);
        for (int i = 32; i < 40; i++) Assert.True(rig.Device.TryComplete(chains[i], 16));
        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(2, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        int taken = 0;
        while (rig.Driver.TryTakeUsed(out var used) == TakeResult.Taken) Assert.Equal(new UsedBuffer((ushort)taken++, 16), used);
        Assert.Equal(40, taken);
    }

    [Fact]
    public void Prefetching_ahead_changes_neither_results_nor_transaction_counts()
    {
        (TransactionCounters Counters, List<UsedBuffer> Used) Run(bool prefetch)
        {
            using var block = new NativeMemoryBlock(MemorySize);
            var rig = new PackedRig(16, indirect: true, memory: new GuestMemory(block.Region()));
            rig.Device.PrefetchAhead = prefetch;
            var used = new List<UsedBuffer>();
            for (int round = 0; round < 5; round++) // wraps the 16-slot ring, so the hints wrap too
            {
                AddSingles(rig, 5);
                Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 64, 8, true)], false, out _));
                Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 64, 8, true)], true, out _));
                rig.Driver.PublishAvailable();
                while (rig.Device.TryPop(out var c) == PopResult.Popped) Assert.True(rig.Device.TryComplete(c, 3));
                rig.Device.PublishUsed();
                while (rig.Driver.TryTakeUsed(out var u) == TakeResult.Taken) used.Add(u);
            }
            Assert.False(rig.Device.Error.IsError);
            return (rig.DeviceMemory.Counters, used);
        }
        var (plain, plainUsed) = Run(false);
        var (hinted, hintedUsed) = Run(true);
        Assert.Equal(35, hintedUsed.Count);
        Assert.Equal(plainUsed, hintedUsed);
        foreach (var kind in Enum.GetValues<MemoryAccessKind>())
        {
            Assert.Equal(plain.Reads(kind), hinted.Reads(kind));
            Assert.Equal(plain.ReadBytes(kind), hinted.ReadBytes(kind));
            Assert.Equal(plain.Writes(kind), hinted.Writes(kind));
        }
    }

    [Fact]
    public void Turning_deferral_off_writes_held_completions_at_the_next_completion()
    {
        var rig = new PackedRig(16);
        rig.Device.DeferUsed = true;
        AddSingles(rig, 3);
        var chains = new List<DescriptorChain>();
        while (rig.Device.TryPop(out var c) == PopResult.Popped) chains.Add(c);
        ushort id0 = chains[0].Id, id1 = chains[1].Id; // chains go back to the pool on completion
        Assert.True(rig.Device.TryComplete(chains[1], 5));
        rig.Device.DeferUsed = false;
        Assert.True(rig.Device.TryComplete(chains[0], 6));
        Assert.Equal(0, rig.Device.PendingUsedCount);
        Assert.Equal(2, rig.DeviceMemory.Counters.Writes(MemoryAccessKind.Descriptor));
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var first));
        Assert.Equal(new UsedBuffer(id1, 5), first);
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var second));
        Assert.Equal(new UsedBuffer(id0, 6), second);
    }

    [Fact]
    public void Chains_and_indirect_tables()
    {
        var rig = new PackedRig(16, indirect: true, eventIdx: true);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 64, 8, false), new(DataArea + 128, 8, true)], false, out _));
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 64, 8, false), new(DataArea + 128, 8, false), new(DataArea + 192, 8, true)], true, out _));
        rig.Driver.PublishAvailable();
        var n = rig.DeviceMemory.Counters;
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.Equal(3, n.Reads(MemoryAccessKind.Descriptor));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var indirect));
        Assert.Equal(5, n.Reads(MemoryAccessKind.Descriptor)); // the ring descriptor and the whole table in one read
        Assert.Equal(3 * 16 + 16 + 64, n.ReadBytes(MemoryAccessKind.Descriptor));
        Assert.True(rig.Device.TryComplete(chain, 8));
        Assert.True(rig.Device.TryComplete(indirect, 8));
        Assert.Equal(2, n.Writes(MemoryAccessKind.Descriptor));
        rig.Device.PublishUsed();
        Assert.Equal(1, n.Reads(MemoryAccessKind.EventSuppression));
        Assert.Equal(4, n.ReadBytes(MemoryAccessKind.EventSuppression)); // off_wrap and flags together with EVENT_IDX
        rig.Device.SetNotifications(true);
        Assert.Equal(1, n.Writes(MemoryAccessKind.EventSuppression));
        Assert.Equal(4, n.WriteBytes(MemoryAccessKind.EventSuppression));
        rig.Device.HasAvailable();
        Assert.Equal(6, n.Reads(MemoryAccessKind.Descriptor));
        Assert.Equal(3 * 16 + 16 + 64 + 2, n.ReadBytes(MemoryAccessKind.Descriptor));
    }

    [Fact]
    public void Used_writes_mark_the_dirty_log()
    {
        var rig = new PackedRig(16);
        var log = new DirtyLog(MemorySize);
        rig.DeviceMemory.DirtyLog = log;
        AddSingles(rig, 1);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.Equal(0, log.DirtyCount());
        Assert.True(chain.TryWrite(rig.Device.Memory, 0, new byte[4]));
        Assert.True(rig.Device.TryComplete(chain, 4));
        Assert.True(log.IsDirty(Ring / 4096));
        Assert.True(log.IsDirty(DataArea / 4096));
        Assert.Equal(2, log.DirtyCount());
    }
}
