using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>The driver side against used elements written byte by byte, as a mock device would.</summary>
public class SplitDriverQueueTests
{
    private static BufferSegment R(ulong a, uint l) => new(a, l, false);
    private static BufferSegment W(ulong a, uint l) => new(a, l, true);

    [Fact]
    public void Free_list_hands_out_and_takes_back_descriptors()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        ulong d = ring.Data;
        Assert.True(driver.TryAdd([R(d, 1), W(d + 16, 8), W(d + 32, 8)], false, out ushort a));
        Assert.Equal(1, driver.FreeDescriptors);
        Assert.False(driver.TryAdd([R(d, 1), W(d, 1)], false, out _)); // no room
        Assert.True(driver.TryAdd([W(d + 64, 4)], false, out ushort b));
        Assert.Equal(0, driver.FreeDescriptors);
        Assert.Equal(2, driver.InFlightCount);
        Assert.True(driver.PublishAvailable());
        Assert.Equal(2, ring.AvailIdx);
        Assert.Equal(a, ring.AvailEntry(0));
        Assert.Equal(b, ring.AvailEntry(1));

        ring.WriteUsedElement(0, b, 4);
        ring.WriteUsedElement(1, a, 16);
        ring.SetUsedIdx(2);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out var u1));
        Assert.Equal(new UsedBuffer(b, 4), u1);
        Assert.Equal(1, driver.FreeDescriptors);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out var u2));
        Assert.Equal(new UsedBuffer(a, 16), u2);
        Assert.Equal(4, driver.FreeDescriptors);
        Assert.Equal(TakeResult.Empty, driver.TryTakeUsed(out _));
        Assert.Equal(0, driver.InFlightCount);
    }

    [Fact]
    public void Misuse_throws()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.Throws<ArgumentException>(() => driver.TryAdd([], false, out _));
        Assert.Throws<ArgumentException>(() => driver.TryAdd([W(ring.Data, 1), R(ring.Data, 1)], false, out _));
        Assert.Throws<ArgumentException>(() => driver.TryAdd([R(ring.Data, 1)], true, out _)); // INDIRECT_DESC not negotiated
        Assert.Throws<ArgumentException>(() => new Virtsim.Virtio.Queues.Split.SplitDriverQueue(ring.Config with { DeviceArea = ring.End }, ring.Memory));
        Assert.Throws<ArgumentException>(() => new Virtsim.Virtio.Queues.Split.SplitDriverQueue(ring.Config with { Size = 3 }, ring.Memory));
    }

    [Fact]
    public void Used_id_not_in_flight_breaks_the_driver()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out ushort id));
        driver.PublishAvailable();
        ring.WriteUsedElement(0, (uint)(id + 1), 0);
        ring.SetUsedIdx(1);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIdNotInFlight, driver.Error.Kind);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
    }

    [Fact]
    public void Used_id_added_but_not_published_is_not_in_flight()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out ushort a));
        driver.PublishAvailable();
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out ushort b));
        ring.WriteUsedElement(0, b, 0);
        ring.SetUsedIdx(1);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIdNotInFlight, driver.Error.Kind);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Huge_used_id_is_not_in_flight()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out _));
        driver.PublishAvailable();
        ring.WriteUsedElement(0, 0x1_0000, 0);
        ring.SetUsedIdx(1);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIdNotInFlight, driver.Error.Kind);
    }

    [Fact]
    public void Used_length_larger_than_the_writable_part()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.True(driver.TryAdd([R(ring.Data, 100), W(ring.Data + 0x100, 8)], false, out ushort id));
        driver.PublishAvailable();
        ring.WriteUsedElement(0, id, 9);
        ring.SetUsedIdx(1);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedLengthTooLarge, driver.Error.Kind);
    }

    [Fact]
    public void Used_index_jumping_past_the_buffers_in_flight()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var driver = ring.Driver();
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out ushort id));
        driver.PublishAvailable();
        ring.WriteUsedElement(0, id, 0);
        ring.SetUsedIdx(2);
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIndexOutOfRange, driver.Error.Kind);
    }

    [Fact]
    public void In_order_descriptors_are_used_in_ring_order_with_next_x_plus_1()
    {
        var ring = new SplitRing(4, SplitRing.Features(inOrder: true));
        var driver = ring.Driver();
        ulong d = ring.Data;
        Assert.True(driver.TryAdd([R(d, 1), W(d + 16, 2)], false, out ushort a));
        Assert.True(driver.TryAdd([R(d + 32, 3)], false, out ushort b));
        Assert.Equal(0, a);
        Assert.Equal(2, b);
        driver.PublishAvailable();
        ring.WriteUsedElement(0, a, 2);
        ring.WriteUsedElement(1, b, 0);
        ring.SetUsedIdx(2);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out _));
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out _));
        // Next chain wraps: descriptors 3 then 0, with next of the last table entry set to 0.
        Assert.True(driver.TryAdd([R(d, 1), R(d, 1)], false, out ushort c));
        Assert.Equal(3, c);
        ulong desc3 = SplitRing.Desc + 3 * 16;
        Assert.Equal(1, ring.U16(desc3 + 12)); // NEXT
        Assert.Equal(0, ring.U16(desc3 + 14)); // next = 0 for x = size - 1
    }

    [Fact]
    public void In_order_batch_element_is_expanded_into_one_used_buffer_per_buffer()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true, indirect: true), maxIndirect: 4);
        var driver = ring.Driver();
        ulong d = ring.Data;
        Assert.True(driver.TryAdd([R(d, 10), W(d + 0x100, 20)], false, out ushort a)); // descs 0,1
        Assert.True(driver.TryAdd([W(d + 0x200, 30), W(d + 0x300, 5)], true, out ushort b)); // desc 2 (indirect)
        Assert.True(driver.TryAdd([R(d + 0x400, 40)], false, out ushort c)); // desc 3
        Assert.True(driver.TryAdd([W(d + 0x500, 50)], false, out ushort e)); // desc 4
        Assert.Equal(new ushort[] { 0, 2, 3, 4 }, new[] { a, b, c, e });
        driver.PublishAvailable();
        ring.WriteUsedElement(0, c, 0); // batch of a, b, c at the slot of a
        ring.SetUsedIdx(3);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out var u));
        Assert.Equal(new UsedBuffer(a, 20), u); // skipped buffers were used completely
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out u));
        Assert.Equal(new UsedBuffer(b, 35), u);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out u));
        Assert.Equal(new UsedBuffer(c, 0), u);
        Assert.Equal(TakeResult.Empty, driver.TryTakeUsed(out _));
        ring.WriteUsedElement(3, e, 7); // next batch at the slot matching its first buffer
        ring.SetUsedIdx(4);
        Assert.Equal(TakeResult.Taken, driver.TryTakeUsed(out u));
        Assert.Equal(new UsedBuffer(e, 7), u);
        Assert.Equal(8, driver.FreeDescriptors);
    }

    [Fact]
    public void In_order_batch_larger_than_the_used_index_advance_is_rejected()
    {
        var ring = new SplitRing(8, SplitRing.Features(inOrder: true));
        var driver = ring.Driver();
        for (int i = 0; i < 3; i++) Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out _));
        driver.PublishAvailable();
        ring.WriteUsedElement(0, 2, 8); // claims a batch of 3 ...
        ring.SetUsedIdx(2);             // ... but idx moved by 2
        Assert.Equal(TakeResult.Broken, driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIndexOutOfRange, driver.Error.Kind);
    }

    [Fact]
    public void Notification_data_carries_the_next_avail_index()
    {
        var ring = new SplitRing(8, SplitRing.Features());
        var driver = ring.Driver(start: 0xFFFF);
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out _));
        Assert.True(driver.TryAdd([W(ring.Data, 8)], false, out _));
        driver.PublishAvailable();
        Assert.Equal(1u, ring.AvailIdx);
        Assert.Equal(0x0001_0003u, driver.NotificationData(3));
    }
}
