using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Net;

internal sealed class RecordingSink : INetFrameSink
{
    public List<(int Pair, byte[] Frame, NetHeader Header)> Frames { get; } = new();

    public void Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header) => Frames.Add((queuePair, frame.ToArray(), header));
}

internal sealed class NetTestKit
{
    public static readonly byte[] OwnMac = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    public ChainBuilder Builder { get; } = new(1 << 20);
    public RecordingSink Sink { get; } = new();
    public NetDevice Device { get; }
    public FakeDeviceQueue Queue { get; }
    public FakeDeviceQueue ControlQueue { get; }
    public int ConfigChanges { get; private set; }

    public NetTestKit(NetDeviceOptions? options = null, FeatureSet? negotiate = null, FeatureSet? add = null)
    {
        Device = new NetDevice(Sink, options);
        var features = negotiate ?? Device.OfferedFeatures;
        if (add is FeatureSet extra) features |= extra;
        Assert.Null(Device.ValidateFeatures(features));
        Device.Activate(features);
        Device.ConfigChanged += () => ConfigChanges++;
        Queue = Builder.NewQueue();
        ControlQueue = Builder.NewQueue();
    }

    public static FeatureSet Ring => RequestDeviceBase.DefaultRingFeatures;

    public static byte[] Frame(int length, byte[]? destination = null, int seed = 1)
    {
        var frame = new byte[length];
        for (int i = 0; i < length; i++) frame[i] = (byte)(i * 31 + seed);
        (destination ?? OwnMac).CopyTo(frame, 0);
        if (length >= 14) { frame[12] = 0x08; frame[13] = 0x00; }
        return frame;
    }

    /// <summary>Sends a control command and returns (ack, used length).</summary>
    public (byte Ack, uint Used) Control(byte cls, byte cmd, params byte[] data)
    {
        var chain = Builder.Start().Readable([cls, cmd]);
        if (data.Length > 0) chain.Readable(data);
        chain.Writable(1).AddTo(ControlQueue);
        var result = Device.ProcessQueue(Device.ControlQueueIndex, ControlQueue);
        Assert.Equal(1, result.Completed);
        return (chain.WrittenBytes()[0], ControlQueue.Completed[^1].Length);
    }
}
