using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>SaveState / Restore: a restored device side continues exactly where the saved one stopped.</summary>
public class PackedStateTests
{
    [Fact]
    public void Restored_queue_completes_in_flight_chains_and_continues()
    {
        var rig = new PackedRig(5);
        ushort[] ids = new ushort[4];
        Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 0x100, 8, true)], false, out ids[0]));
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x200, 8, true)], false, out ids[1]));
        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x300, 8, true)], false, out ids[2]));
        rig.Driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var a));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var b));
        Assert.True(rig.Device.TryComplete(b, 8));
        rig.Device.SetNotifications(false);

        var state = rig.Device.SaveState();
        Assert.Equal(3, state.NextAvail);
        Assert.True(state.AvailWrapCounter);
        Assert.Equal(1, state.NextUsed);
        Assert.True(state.UsedWrapCounter);
        Assert.Equal(0, state.SignalledUsed);
        Assert.False(state.NotificationsEnabled);
        var saved = Assert.Single(state.InFlight);
        Assert.Equal((ids[0], (ushort)2, false), (saved.Id, saved.DescriptorCount, saved.IsIndirect));
        Assert.Equal([new ChainSegment(DataArea, 8, false), new ChainSegment(DataArea + 0x100, 8, true)], saved.Segments);

        var restored = PackedDeviceQueue.Restore(state, new DeviceMemory(rig.Memory));
        Assert.Equal(1, restored.InFlightCount);
        Assert.False(restored.NotificationsEnabled);
        var again = Assert.Single(restored.InFlight);
        Assert.Equal(a.Segments.ToArray(), again.Segments.ToArray());
        Assert.True(restored.TryComplete(again, 5));
        Assert.True(restored.PublishUsed()); // both used descriptors are new since the last signal
        Assert.Equal(PopResult.Popped, restored.TryPop(out var c));
        Assert.Equal(ids[2], c.Id);
        Assert.True(restored.TryComplete(c, 1));

        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var u1));
        Assert.Equal(new UsedBuffer(ids[1], 8), u1);
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var u2));
        Assert.Equal(new UsedBuffer(ids[0], 5), u2);
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var u3));
        Assert.Equal(new UsedBuffer(ids[2], 1), u3);

        // Around the ring once more with the restored queue.
        for (int round = 0; round < 7; round++)
        {
            Assert.True(rig.Driver.TryAdd([new(DataArea, 8, false), new(DataArea + 0x100, 8, true)], false, out ushort id));
            rig.Driver.PublishAvailable();
            Assert.Equal(PopResult.Popped, restored.TryPop(out var chain));
            Assert.True(restored.TryComplete(chain, 2));
            Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var used));
            Assert.Equal(new UsedBuffer(id, 2), used);
        }
        Assert.Equal(rig.Driver.NextUsed, restored.NextUsed);
        Assert.False(restored.NextUsed.Wrap == true && restored.NextUsed.Slot == 0);
    }

    [Fact]
    public void Saving_writes_a_held_in_order_batch_so_nothing_is_lost()
    {
        var rig = new PackedRig(8, inOrder: true);
        for (int i = 0; i < 3; i++) Assert.True(rig.Driver.TryAdd([new(DataArea, 8, true)], false, out _));
        rig.Driver.PublishAvailable();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var c));
            if (i < 2) Assert.True(rig.Device.TryComplete(c, 8));
        }
        Assert.Equal(2, rig.Device.PendingUsedCount);
        rig.RestoreDevice();
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var first));
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var second));
        Assert.Equal((0, 1), (first.Id, second.Id));
        Assert.True(rig.Device.PublishUsed()); // the saved batch was not signalled yet
        var last = Assert.Single(rig.Device.InFlight);
        Assert.True(rig.Device.TryComplete(last, 3));
        Assert.True(rig.Device.PublishUsed());
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var third));
        Assert.Equal(new UsedBuffer(2, 3), third);
    }

    [Fact]
    public void Restore_rejects_states_that_do_not_fit()
    {
        var memory = new DeviceMemory(GuestMemory.WithArray(MemorySize));
        var config = MakeConfig(8);
        Assert.Throws<ArgumentException>(() => PackedDeviceQueue.Restore(new QueueState { Config = config with { Format = QueueFormat.Split } }, memory));
        Assert.Throws<ArgumentException>(() => PackedDeviceQueue.Restore(new QueueState { Config = config, NextAvail = 8 }, memory));
        Assert.Throws<ArgumentException>(() => PackedDeviceQueue.Restore(new QueueState
        {
            Config = config,
            InFlight = [new InFlightBuffer(1, 1, false, []), new InFlightBuffer(1, 1, false, [])],
        }, memory));
    }

    [Fact]
    public void Notification_data_is_recorded()
    {
        var rig = new PackedRig(10);
        Assert.False(rig.Device.HasNotificationData);
        for (int i = 0; i < 3; i++) Assert.True(rig.Driver.TryAdd([new(DataArea, 8, true)], false, out _));
        rig.Driver.PublishAvailable();
        uint value = rig.Driver.NotificationData(4);
        Assert.Equal(0x8003_0004u, value);
        rig.Device.OnNotificationData(value);
        Assert.True(rig.Device.HasNotificationData);
        Assert.Equal(new RingPosition(3, true), rig.Device.NotifiedAvail);
        Assert.Equal(3, rig.Device.NotifiedPending);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        Assert.Equal(2, rig.Device.NotifiedPending);
        rig.Device.Reset();
        Assert.False(rig.Device.HasNotificationData);
    }

    [Fact]
    public void Constructors_reject_configurations_that_are_not_valid_packed_queues()
    {
        var memory = GuestMemory.WithArray(MemorySize);
        var device = new DeviceMemory(memory);
        Assert.Throws<ArgumentException>(() => new PackedDeviceQueue(MakeConfig(8) with { Format = QueueFormat.Split }, device));
        Assert.Throws<ArgumentException>(() => new PackedDeviceQueue(MakeConfig(8) with { Size = 0 }, device));
        Assert.Throws<ArgumentException>(() => new PackedDeviceQueue(MakeConfig(8) with { DriverArea = 0x1002 }, device));
        Assert.Throws<ArgumentException>(() => new PackedDriverQueue(MakeConfig(8) with { DescriptorArea = 0x2008 }, memory));
        Assert.Throws<ArgumentException>(() => new PackedDriverQueue(MakeConfig(8), memory, 0x7000_0000, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedDriverQueue(MakeConfig(8), memory, IndirectArea, 9));
        var odd = new PackedDeviceQueue(MakeConfig(32768), device); // largest size, not a power of two is fine too
        Assert.Equal(QueueFormat.Packed, odd.Format);
        Assert.IsType<PackedDeviceQueue>(PackedDeviceQueue.Factory(MakeConfig(3), device));
    }

    [Fact]
    public void Two_unsignalled_laps_still_interrupt_after_a_restore()
    {
        var rig = new PackedRig(2);
        for (int lap = 0; lap < 2; lap++)
            for (int i = 0; i < 2; i++)
            {
                Assert.True(rig.Driver.TryAdd([new(DataArea, 8, true)], false, out _));
                rig.Driver.PublishAvailable();
                Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
                Assert.True(rig.Device.TryComplete(chain, 8)); // visible at once, but never published
                Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
            }
        Assert.Equal(RingPosition.Start, rig.Device.NextUsed); // exactly two laps: same slot, same wrap
        rig.RestoreDevice();
        Assert.True(rig.Device.PublishUsed());
        Assert.False(rig.Device.PublishUsed());
    }
}
