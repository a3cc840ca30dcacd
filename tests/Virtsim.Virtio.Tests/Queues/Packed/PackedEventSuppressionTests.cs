using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>Exact notification decisions from both event suppression structures (spec §2.8.10, §2.8.21).</summary>
public class PackedEventSuppressionTests
{
    private static RingPosition P(int slot, int wrap) => new((ushort)slot, wrap == 1);

    [Theory]
    // size 8, from slot 6 wrap 1, passing 4 slots: 6/1, 7/1, 0/0, 1/0
    [InlineData(6, 1, true)]
    [InlineData(7, 1, true)]
    [InlineData(0, 0, true)]
    [InlineData(1, 0, true)]
    [InlineData(2, 0, false)]
    [InlineData(5, 1, false)]
    [InlineData(0, 1, false)] // same slot, other lap
    [InlineData(6, 0, false)]
    [InlineData(9, 1, false)] // offset beyond the ring never matches
    public void Desc_mode_fires_exactly_when_the_range_passes_the_descriptor(int slot, int wrap, bool expected)
    {
        var e = EventSuppression.AtDescriptor(P(slot, wrap));
        Assert.Equal(expected, e.ShouldNotify(8, P(6, 1), 4, eventIdx: true));
    }

    [Fact]
    public void Modes_without_a_descriptor()
    {
        var old = P(3, 0);
        Assert.False(EventSuppression.Disabled.ShouldNotify(8, old, 5, true));
        Assert.True(EventSuppression.Enabled.ShouldNotify(8, old, 1, false));
        Assert.False(EventSuppression.Enabled.ShouldNotify(8, old, 0, false)); // nothing new
        Assert.True(new EventSuppression(0, 3).ShouldNotify(8, old, 1, true)); // reserved value: notify (safe)
        Assert.True(EventSuppression.AtDescriptor(P(0, 1)).ShouldNotify(8, old, 1, eventIdx: false)); // DESC invalid without EVENT_IDX
        Assert.True(EventSuppression.AtDescriptor(P(2, 0)).ShouldNotify(8, old, 16, true)); // a full double lap passes everything
        Assert.True(EventSuppression.AtDescriptor(P(2, 1)).ShouldNotify(8, old, 15, true));  // 3/0 .. 1/0 covers 2/1
        Assert.False(EventSuppression.AtDescriptor(P(2, 0)).ShouldNotify(8, old, 15, true)); // ... but not 2/0
        Assert.Equal(EventSuppressionMode.Disable, EventSuppression.FromRaw(0x0001_8005).Mode);
        Assert.Equal(P(5, 1), EventSuppression.FromRaw(0x0001_8005).Position);
        Assert.Equal(0x0002_0003u, EventSuppression.AtDescriptor(P(3, 0)).ToRaw());
    }

    private static DescriptorChain[] AddAndPop(PackedRig rig, int count)
    {
        for (int i = 0; i < count; i++) Assert.True(rig.Driver.TryAdd([new(DataArea + (ulong)i * 64, 16, true)], false, out _));
        rig.Driver.PublishAvailable();
        var chains = new DescriptorChain[count];
        for (int i = 0; i < count; i++) Assert.Equal(PopResult.Popped, rig.Device.TryPop(out chains[i]));
        return chains;
    }

    [Fact]
    public void Used_interrupts_follow_the_driver_structure_enable_and_disable()
    {
        var rig = new PackedRig(8);
        var chains = AddAndPop(rig, 4);
        Assert.False(rig.Device.PublishUsed()); // nothing used yet
        rig.Driver.SetInterrupts(false);
        Assert.True(rig.Device.TryComplete(chains[0], 1));
        Assert.False(rig.Device.PublishUsed()); // DISABLE
        Assert.True(rig.Driver.SetInterrupts(true)); // ENABLE, and a used buffer is already there
        Assert.True(rig.Device.TryComplete(chains[1], 1));
        Assert.True(rig.Device.PublishUsed()); // ENABLE: anything new interrupts
        Assert.False(rig.Device.PublishUsed()); // nothing new
        Assert.True(rig.Device.TryComplete(chains[2], 1));
        Assert.True(rig.Device.PublishUsed());
    }

    [Fact]
    public void Used_interrupts_with_event_idx_fire_at_the_driver_descriptor()
    {
        var rig = new PackedRig(8, eventIdx: true);
        var chains = AddAndPop(rig, 6);
        Assert.False(rig.Driver.SetInterrupts(true)); // DESC at 0/1
        Assert.Equal(new byte[] { 0x00, 0x80, 2, 0 }, rig.Raw(DriverArea, 4));
        Assert.True(rig.Device.TryComplete(chains[0], 1));
        Assert.True(rig.Device.PublishUsed());  // passed 0
        Assert.True(rig.Device.TryComplete(chains[1], 1));
        Assert.False(rig.Device.PublishUsed()); // 1 is not the driver's descriptor
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
        Assert.False(rig.Driver.SetInterrupts(true)); // DESC at 2/1
        Assert.Equal(new byte[] { 0x02, 0x80, 2, 0 }, rig.Raw(DriverArea, 4));
        Assert.True(rig.Device.TryComplete(chains[2], 1));
        Assert.True(rig.Device.TryComplete(chains[3], 1));
        Assert.True(rig.Device.PublishUsed()); // [2, 4) passes 2

        // A driver asking for an event further on (delayed callback): 5/1 only.
        rig.WriteDriverEvent(0x8005, 2);
        Assert.True(rig.Device.TryComplete(chains[4], 1));
        Assert.False(rig.Device.PublishUsed()); // [4, 5)
        Assert.True(rig.Device.TryComplete(chains[5], 1));
        Assert.True(rig.Device.PublishUsed()); // [5, 6)

        // Same slot in the wrong lap: 1/1 while the device writes 6/1, 7/1, 0/0, 1/0.
        for (int i = 0; i < 4; i++) Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
        chains = AddAndPop(rig, 4);
        rig.WriteDriverEvent(0x8001, 2);
        foreach (var c in chains) Assert.True(rig.Device.TryComplete(c, 1));
        Assert.False(rig.Device.PublishUsed());
        Assert.Equal(P(2, 0), rig.Device.NextUsed);
        rig.WriteDriverEvent(0x0001, 2); // now the right lap, but already passed
        Assert.False(rig.Device.PublishUsed());
        var state = rig.Device.SaveState();
        Assert.Equal(P(2, 0), new RingPosition(state.SignalledUsed, state.SignalledUsedWrap));
    }

    [Fact]
    public void Doorbells_follow_the_device_structure_enable_and_disable()
    {
        var rig = new PackedRig(8);
        Assert.False(rig.Driver.PublishAvailable()); // nothing added
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false)], false, out _));
        Assert.True(rig.Driver.PublishAvailable()); // zeroed structure: ENABLE
        rig.Device.SetNotifications(false);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false)], false, out _));
        Assert.False(rig.Driver.PublishAvailable()); // DISABLE
        rig.Device.SetNotifications(true);
        Assert.True(rig.Device.HasAvailable()); // must re-check after enabling
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false)], false, out _));
        Assert.True(rig.Driver.PublishAvailable());
    }

    [Fact]
    public void Doorbells_with_event_idx_fire_at_the_device_descriptor()
    {
        var rig = new PackedRig(4, eventIdx: true);
        rig.Device.SetNotifications(true); // DESC at 0/1
        Assert.Equal(new byte[] { 0x00, 0x80, 2, 0 }, rig.Raw(DeviceArea, 4));
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false), new(DataArea, 1, false)], false, out _));
        Assert.True(rig.Driver.PublishAvailable()); // [0, 2) passes 0
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false)], false, out _));
        Assert.False(rig.Driver.PublishAvailable()); // [2, 3): the device has not looked again
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var a));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var b));
        rig.Device.SetNotifications(true); // DESC at 3/1
        Assert.False(rig.Device.HasAvailable());
        Assert.Equal(new byte[] { 0x03, 0x80, 2, 0 }, rig.Raw(DeviceArea, 4));
        Assert.True(rig.Device.TryComplete(a, 0));
        Assert.True(rig.Device.TryComplete(b, 0));
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out _));
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false), new(DataArea, 1, false)], false, out _));
        Assert.True(rig.Driver.PublishAvailable()); // [3/1, 1/0) passes 3/1 across the wrap
        Assert.Equal(P(1, 0), rig.Driver.PublishedAvail);

        rig.Device.SetNotifications(false);
        Assert.Equal(new byte[] { 0x03, 0x80, 1, 0 }, rig.Raw(DeviceArea, 4));
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false)], false, out _));
        Assert.False(rig.Driver.PublishAvailable());
    }

    [Fact]
    public void Device_skips_writing_an_unchanged_structure()
    {
        var rig = new PackedRig(8, eventIdx: true);
        rig.Device.SetNotifications(true);
        rig.Device.SetNotifications(true);
        rig.Device.SetNotifications(false);
        rig.Device.SetNotifications(false);
        rig.Device.SetNotifications(true);
        Assert.Equal(3, rig.DeviceMemory.Counters.Writes(Virtsim.Virtio.Memory.MemoryAccessKind.EventSuppression));
        Assert.True(rig.Device.NotificationsEnabled);
    }
}
