using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues;

public class EventIndexTests
{
    [Theory]
    [InlineData(5, 6, 5, true)]     // index moved past the event exactly
    [InlineData(5, 5, 4, false)]    // not yet past it
    [InlineData(5, 10, 6, false)]   // already passed before this move
    [InlineData(65535, 2, 65534, true)] // crossing the 16-bit wrap
    [InlineData(0, 1, 1, false)]    // no movement, no event
    public void Needs_event_follows_the_spec_formula(int evt, int newIdx, int oldIdx, bool expected) =>
        Assert.Equal(expected, EventIndex.NeedsEvent((ushort)evt, (ushort)newIdx, (ushort)oldIdx));

    [Theory]
    [InlineData(QueueFormat.Split, 3, 0xFFFF, false, 0xFFFF0003u)]
    [InlineData(QueueFormat.Packed, 3, 0x7FFF, true, 0xFFFF0003u)]
    [InlineData(QueueFormat.Packed, 1, 5, false, 0x00050001u)]
    public void Notification_data_encodes_and_decodes(QueueFormat format, int queue, int next, bool wrap, uint value)
    {
        var data = new NotificationData((ushort)queue, (ushort)next, wrap);
        Assert.Equal(value, data.Encode(format));
        Assert.Equal(data, NotificationData.Decode(value, format));
    }
}
