using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>
/// <see cref="SplitDeviceQueue.Resubmit"/>: a restarted device pops the chains an earlier instance took but never
/// returned, by head index, before the available ring, and the driver sees each buffer used exactly once.
/// </summary>
public class SplitResubmitTests
{
    private static ushort Add(SplitDriverQueue driver, SplitRing ring, int n)
    {
        Assert.True(driver.TryAdd([new BufferSegment(ring.Data + (ulong)n * 0x100, 16, false), new BufferSegment(ring.Data + (ulong)n * 0x100 + 0x80, 8, true)], false, out ushort id));
        return id;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resubmitted_heads_pop_first_without_moving_the_available_index(bool inOrder)
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: inOrder));
        var driver = ring.Driver();
        ushort a = Add(driver, ring, 0), b = Add(driver, ring, 1), c = Add(driver, ring, 2);
        driver.PublishAvailable();

        // The first instance takes all three and returns only the first; then it is gone.
        var first = ring.Device();
        Assert.Equal(PopResult.Popped, first.TryPop(out var chainA));
        Assert.Equal(PopResult.Popped, first.TryPop(out _));
        Assert.Equal(PopResult.Popped, first.TryPop(out _));
        Assert.True(first.TryComplete(chainA, 8));
        first.PublishUsed();

        // The second instance starts past all three and redoes b and c by head.
        var second = SplitDeviceQueue.Restore(new QueueState { Config = ring.Config, NextAvail = 3, NextUsed = 1, SignalledUsed = 1 }, new DeviceMemory(ring.Memory));
        second.Resubmit(b);
        second.Resubmit(c);
        Assert.Equal([b, c], second.PendingResubmits);
        Assert.True(second.HasAvailable());
        Assert.Equal(PopResult.Popped, second.TryPop(out var again1));
        Assert.Equal(PopResult.Popped, second.TryPop(out var again2));
        Assert.Equal((b, c), (again1.Id, again2.Id));
        Assert.Equal((16UL, 8UL), (again1.ReadableLength, again1.WritableLength));
        Assert.Equal(3, second.NextAvail);
        Assert.Equal(PopResult.Empty, second.TryPop(out _));

        Assert.True(second.TryComplete(again1, 8));
        Assert.True(second.TryComplete(again2, 8));
        second.PublishUsed();
        ushort d = Add(driver, ring, 3);
        driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, second.TryPop(out var chainD));
        Assert.Equal(d, chainD.Id);
        Assert.True(second.TryComplete(chainD, 8));
        second.PublishUsed();

        var used = new List<ushort>();
        while (driver.TryTakeUsed(out var u) == TakeResult.Taken) used.Add(u.Id);
        Assert.Equal([a, b, c, d], used);
        Assert.False(driver.Error.IsError);
    }

    [Fact]
    public void A_resubmitted_head_already_in_flight_breaks_the_queue()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        var driver = ring.Driver();
        ushort a = Add(driver, ring, 0);
        driver.PublishAvailable();
        var device = ring.Device();
        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        device.Resubmit(a);
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.BufferIdInUse, device.Error.Kind);
    }

    [Fact]
    public void Heads_outside_the_queue_and_overflow_are_refused_and_reset_forgets_pending_heads()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var device = ring.Device();
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Resubmit(4));
        for (ushort i = 0; i < 4; i++) device.Resubmit(i);
        Assert.Throws<InvalidOperationException>(() => device.Resubmit(0));
        device.Reset();
        Assert.Empty(device.PendingResubmits);
        Assert.False(device.HasAvailable());
    }
}
