using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>
/// Re-serving chains from descriptor copies (vhost-user in-flight recovery): a device that died with chains in
/// flight is replaced by one restored past them, which pops the copies first and then the ring.
/// </summary>
public class PackedResubmitTests
{
    // Three chains made available; the old device pops all three, completes the second (its used descriptor
    // overwrites the first chain's first slot) and dies. Copies are taken from the ring before the pops.
    private static (PackedRig Rig, PackedDescriptor[][] Copies, ushort[] Ids) DeviceDiedWithTwoInFlight()
    {
        var rig = new PackedRig(8);
        var ids = new ushort[3];
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 0x100, 16, true)], false, out ids[0]));
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x200, 8, true)], false, out ids[1]));
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x300, 32, true)], false, out ids[2]));
        rig.Driver.PublishAvailable();
        var copies = new[] { new[] { Slot(rig, 0), Slot(rig, 1) }, [Slot(rig, 2)], [Slot(rig, 3)] };
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        var second = rig.Device.InFlight.Single(c => c.Id == ids[1]);
        Assert.True(rig.Device.TryComplete(second, 8));
        rig.Device.PublishUsed();
        Assert.Equal(Used1 | Write, PackedDescriptor.Read(rig.RawSlot(0)).Flags); // the first chain's slot is gone
        return (rig, copies, ids);
    }

    private static PackedDescriptor Slot(PackedRig rig, int slot) => PackedDescriptor.Read(rig.RawSlot(slot));

    // The successor: positioned with next avail past all four descriptors taken, next used after the one written.
    private static PackedDeviceQueue Successor(PackedRig rig) => PackedDeviceQueue.Restore(new QueueState
    {
        Config = rig.Config,
        NextAvail = 4, AvailWrapCounter = true,
        NextUsed = 1, UsedWrapCounter = true,
        SignalledUsed = 1, SignalledUsedWrap = true,
    }, rig.DeviceMemory);

    [Fact]
    public void Resubmitted_chains_are_popped_first_from_their_copies_then_the_ring()
    {
        var (rig, copies, ids) = DeviceDiedWithTwoInFlight();
        var device = Successor(rig);
        device.Resubmit(copies[0]);
        device.Resubmit(copies[2]);
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x400, 8, true)], false, out ushort fresh));
        rig.Driver.PublishAvailable();

        Assert.Equal(PopResult.Popped, device.TryPop(out var a));
        Assert.Equal(ids[0], a.Id);
        Assert.Equal(2, a.DescriptorCount);
        Assert.Equal([new ChainSegment(DataArea, 8, false), new ChainSegment(DataArea + 0x100, 16, true)], a.ToArray());
        Assert.Equal(new RingPosition(4, true), device.NextAvail); // copies do not move the available position
        Assert.Equal(PopResult.Popped, device.TryPop(out var c));
        Assert.Equal(ids[2], c.Id);
        Assert.Equal(PopResult.Popped, device.TryPop(out var d));
        Assert.Equal(fresh, d.Id);
        Assert.Equal(new RingPosition(5, true), device.NextAvail);
        Assert.Equal(PopResult.Empty, device.TryPop(out _));

        // Completing them lets the driver take every request exactly once, the dead device's one included.
        Assert.True(device.TryComplete(c, 32));
        Assert.True(device.TryComplete(a, 16));
        Assert.True(device.TryComplete(d, 8));
        device.PublishUsed();
        var taken = new List<ushort>();
        while (rig.Driver.TryTakeUsed(out var used) == TakeResult.Taken) taken.Add(used.Id);
        Assert.Equal([ids[1], ids[2], ids[0], fresh], taken);
        Assert.False(device.Error.IsError);
        Assert.Equal(0, device.InFlightCount);
    }

    [Fact]
    public void The_descriptor_capture_copies_chains_read_from_the_ring_but_not_resubmitted_ones()
    {
        var (rig, copies, _) = DeviceDiedWithTwoInFlight();
        var device = Successor(rig);
        Assert.Throws<ArgumentException>(() => device.DescriptorCapture = new PackedDescriptor[7]);
        var capture = new PackedDescriptor[8];
        device.DescriptorCapture = capture;
        device.Resubmit(copies[0]);
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x400, 8, false), new(DataArea + 0x500, 16, true)], false, out ushort fresh));
        rig.Driver.PublishAvailable();
        PackedDescriptor[] ring = [Slot(rig, 4), Slot(rig, 5)];

        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        Assert.All(capture, d => Assert.Equal(default, d)); // the copies are not in the ring
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.Equal(fresh, chain.Id);
        Assert.Equal(ring, capture[..chain.DescriptorCount]);
        Assert.Equal(fresh, capture[1].Id);
    }

    [Fact]
    public void Pending_resubmits_are_reported_oldest_first_and_cleared_by_reset()
    {
        var (rig, copies, _) = DeviceDiedWithTwoInFlight();
        var device = Successor(rig);
        device.Resubmit(copies[0]);
        device.Resubmit(copies[2]);
        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        var pending = device.PendingResubmits;
        Assert.Single(pending);
        Assert.Equal(copies[2], pending[0]);
        device.Reset();
        Assert.Empty(device.PendingResubmits);
    }

    [Fact]
    public void A_bad_copy_breaks_the_queue_instead_of_serving_it()
    {
        var (rig, copies, _) = DeviceDiedWithTwoInFlight();
        var device = Successor(rig);
        device.Resubmit([copies[0][0]]); // the chain's first descriptor alone still says NEXT
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.DescriptorNotAvailable, device.Error.Kind);

        device = Successor(rig);
        device.Resubmit([copies[2][0] with { Address = MemorySize }]);
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.BufferOutOfRange, device.Error.Kind);

        device = Successor(rig);
        device.Resubmit(copies[2]);
        device.Resubmit(copies[2]); // the same buffer id twice
        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.BufferIdInUse, device.Error.Kind);
    }

    [Fact]
    public void Resubmit_refuses_empty_or_oversized_chains_and_more_than_a_queue()
    {
        var rig = new PackedRig(4);
        var d = new PackedDescriptor(DataArea, 8, 0, Write);
        Assert.Throws<ArgumentException>(() => rig.Device.Resubmit([]));
        Assert.Throws<ArgumentException>(() => rig.Device.Resubmit(new PackedDescriptor[5]));
        for (ushort i = 0; i < 4; i++) rig.Device.Resubmit([d with { Id = i }]);
        Assert.Throws<InvalidOperationException>(() => rig.Device.Resubmit([d]));
    }

    [Fact]
    public void An_indirect_copy_is_served_from_its_table()
    {
        var rig = new PackedRig(8, indirect: true);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 0x100, 8, true), new(DataArea + 0x200, 8, true)], true, out ushort id));
        rig.Driver.PublishAvailable();
        var copy = Slot(rig, 0);
        Assert.True(copy.IsIndirect);
        var device = PackedDeviceQueue.Restore(new QueueState
        {
            Config = rig.Config, NextAvail = 1, AvailWrapCounter = true, NextUsed = 0, UsedWrapCounter = true,
            SignalledUsed = 0, SignalledUsedWrap = true,
        }, rig.DeviceMemory);
        device.Resubmit([copy]);
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.Equal(id, chain.Id);
        Assert.True(chain.IsIndirect);
        Assert.Equal(3, chain.SegmentCount);
        Assert.Equal(16ul, chain.WritableLength);
    }
}
