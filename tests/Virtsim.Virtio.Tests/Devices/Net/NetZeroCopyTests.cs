using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Net;

public class NetZeroCopyTests
{
    private sealed class OverlapSink(ChainBuilder builder) : INetFrameSink
    {
        public List<bool> Overlapped { get; } = new();
        public ulong Address { get; set; }

        public void Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header)
        {
            Assert.True(builder.Memory.TryGetSpan(Address, frame.Length, out var guest));
            Overlapped.Add(frame.Overlaps(guest));
        }
    }

    [Fact]
    public void A_frame_in_one_segment_is_lent_straight_from_guest_memory()
    {
        var builder = new ChainBuilder(1 << 20);
        var sink = new OverlapSink(builder);
        var device = new NetDevice(sink);
        device.Activate(FeatureSet.Of(FeatureBit.Version1));
        var queue = builder.NewQueue();
        var chain = builder.Start().Readable(new byte[12 + 100]);
        sink.Address = chain.Value.Segments[0].Address + 12;
        chain.AddTo(queue);
        device.ProcessQueue(1, queue);
        var split = builder.Start().Readable(new byte[12]).Readable(new byte[50]).Readable(new byte[50]);
        sink.Address = split.Value.Segments[1].Address;
        split.AddTo(queue);
        device.ProcessQueue(1, queue);
        Assert.Equal([true, false], sink.Overlapped);
    }
}
