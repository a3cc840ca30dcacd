using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>Both directions of notification suppression with exact doorbell and interrupt decisions (§2.7.7, §2.7.10).</summary>
public class SplitEventSuppressionTests
{
    private static BufferSegment W(SplitRing ring) => new(ring.Data, 8, true);

    private static void AddOne(Virtsim.Virtio.Queues.Split.SplitDriverQueue driver, SplitRing ring) =>
        Assert.True(driver.TryAdd([W(ring)], false, out _));

    private static void CompleteAll(Virtsim.Virtio.Queues.Split.SplitDeviceQueue device)
    {
        while (device.TryPop(out var chain) == PopResult.Popped) Assert.True(device.TryComplete(chain, 0));
    }

    private static void TakeAll(Virtsim.Virtio.Queues.Split.SplitDriverQueue driver)
    {
        while (driver.TryTakeUsed(out _) == TakeResult.Taken) { }
    }

    [Fact]
    public void No_notify_flag_suppresses_doorbells_without_event_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        var driver = ring.Driver();
        var device = ring.Device();
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());
        device.SetNotifications(false);
        Assert.Equal(1, ring.UsedFlags);
        AddOne(driver, ring);
        Assert.False(driver.PublishAvailable());
        device.SetNotifications(true);
        Assert.Equal(0, ring.UsedFlags);
        Assert.True(device.HasAvailable()); // the owner re-checks after enabling
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());
        Assert.False(driver.PublishAvailable()); // nothing new, no doorbell
    }

    [Fact]
    public void No_interrupt_flag_suppresses_interrupts_without_event_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        var driver = ring.Driver();
        var device = ring.Device();
        for (int i = 0; i < 3; i++) AddOne(driver, ring);
        driver.PublishAvailable();
        Assert.False(driver.SetInterrupts(false));
        Assert.Equal(1, ring.AvailFlags);
        Assert.Equal(PopResult.Popped, device.TryPop(out var a));
        Assert.True(device.TryComplete(a, 0));
        Assert.False(device.PublishUsed());
        Assert.True(driver.SetInterrupts(true)); // enabling with a buffer pending says so
        Assert.Equal(0, ring.AvailFlags);
        Assert.Equal(PopResult.Popped, device.TryPop(out var b));
        Assert.True(device.TryComplete(b, 0));
        Assert.True(device.PublishUsed());
    }

    [Fact]
    public void Avail_event_decides_doorbells_with_event_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features(eventIdx: true));
        var driver = ring.Driver();
        var device = ring.Device();
        device.SetNotifications(true);
        Assert.Equal(0, ring.AvailEvent);
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());  // idx 0 -> 1 crosses avail_event 0
        AddOne(driver, ring);
        Assert.False(driver.PublishAvailable()); // 1 -> 2 does not cross 0
        CompleteAll(device);                     // the empty pop re-arms avail_event at 2
        Assert.Equal(2, ring.AvailEvent);
        Assert.Equal(2, device.NextAvail);
        AddOne(driver, ring);
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());  // 2 -> 4 crosses 2
        device.SetNotifications(false);          // avail_event = next - 1
        Assert.Equal(1, ring.AvailEvent);
        device.PublishUsed();
        TakeAll(driver);
        AddOne(driver, ring);
        Assert.False(driver.PublishAvailable());
        CompleteAll(device);                     // disabled: empty pops leave avail_event alone
        Assert.Equal(1, ring.AvailEvent);
        device.SetNotifications(true);
        Assert.Equal(5, ring.AvailEvent);
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());  // 5 -> 6
    }

    [Fact]
    public void Flags_are_ignored_with_event_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features(eventIdx: true));
        var driver = ring.Driver();
        var device = ring.Device();
        device.SetNotifications(true);
        Assert.True(ring.Memory.TryWriteU16(ring.Used, 1)); // NO_NOTIFY must be ignored
        AddOne(driver, ring);
        Assert.True(driver.PublishAvailable());
        Assert.True(ring.Memory.TryWriteU16(ring.Avail, 1)); // NO_INTERRUPT must be ignored
        Assert.False(driver.SetInterrupts(true));
        Assert.Equal(1, ring.AvailFlags); // with EVENT_IDX the driver writes used_event, not the flags
        CompleteAll(device);
        Assert.True(device.PublishUsed());
    }

    [Fact]
    public void Used_event_decides_interrupts_with_event_idx()
    {
        var ring = new SplitRing(8, SplitRing.Features(eventIdx: true));
        var driver = ring.Driver();
        var device = ring.Device();
        for (int i = 0; i < 6; i++) AddOne(driver, ring);
        driver.PublishAvailable();
        var chains = new DescriptorChain[6];
        for (int i = 0; i < 6; i++) Assert.Equal(PopResult.Popped, device.TryPop(out chains[i]));

        Assert.False(driver.SetInterrupts(true)); // used_event = 0
        Assert.Equal(0, ring.UsedEvent);
        Assert.True(device.TryComplete(chains[0], 0));
        Assert.True(device.PublishUsed());        // 0 -> 1 crosses 0
        Assert.True(device.TryComplete(chains[1], 0));
        Assert.False(device.PublishUsed());       // 1 -> 2 does not
        Assert.Equal(2, device.SignalledUsed);

        TakeAll(driver);
        Assert.False(driver.SetInterrupts(true)); // used_event = 2
        Assert.Equal(2, ring.UsedEvent);
        Assert.True(device.TryComplete(chains[2], 0));
        Assert.True(device.TryComplete(chains[3], 0));
        Assert.True(device.PublishUsed());        // 2 -> 4 crosses 2 in one publish

        TakeAll(driver);
        Assert.False(driver.SetInterrupts(false)); // used_event = last - 1
        Assert.Equal(3, ring.UsedEvent);
        Assert.True(device.TryComplete(chains[4], 0));
        Assert.False(device.PublishUsed());
        Assert.True(driver.SetInterrupts(true));  // pending buffer reported; used_event = 4
        Assert.Equal(4, ring.UsedEvent);
        Assert.True(device.TryComplete(chains[5], 0));
        Assert.False(device.PublishUsed());       // 5 -> 6 does not cross 4 (the driver polls what it was told about)
    }

    [Fact]
    public void Event_indices_work_across_the_16_bit_wrap()
    {
        var ring = new SplitRing(8, SplitRing.Features(eventIdx: true));
        var driver = ring.Driver(start: 0xFFFE);
        var device = Virtsim.Virtio.Queues.Split.SplitDeviceQueue.Restore(
            new QueueState { Config = ring.Config, NextAvail = 0xFFFE, NextUsed = 0xFFFE, SignalledUsed = 0xFFFE },
            new Virtsim.Virtio.Memory.DeviceMemory(ring.Memory));
        device.SetNotifications(true);
        Assert.Equal(0xFFFE, ring.AvailEvent);
        Assert.False(driver.SetInterrupts(true));
        for (int i = 0; i < 3; i++) AddOne(driver, ring);
        Assert.True(driver.PublishAvailable()); // 0xFFFE -> 1 crosses 0xFFFE
        Assert.Equal(1, ring.AvailIdx);
        CompleteAll(device);
        Assert.Equal(1, ring.AvailEvent);
        Assert.True(device.PublishUsed());      // used 0xFFFE -> 1 crosses used_event 0xFFFE
        Assert.Equal(1, ring.UsedIdx);
        int taken = 0;
        while (driver.TryTakeUsed(out _) == TakeResult.Taken) taken++;
        Assert.Equal(3, taken);
    }
}
