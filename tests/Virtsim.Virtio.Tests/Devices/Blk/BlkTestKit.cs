using System.Buffers.Binary;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Blk;

/// <summary>Builds block devices and requests for tests.</summary>
internal sealed class BlkTestKit
{
    public ChainBuilder Builder { get; } = new(1 << 20);
    public MemoryBlockStore Store { get; }
    public BlkDevice Device { get; }
    public FakeDeviceQueue Queue { get; }

    public BlkTestKit(ulong sectors = 2048, BlkDeviceOptions? options = null, FeatureSet? negotiate = null)
    {
        Store = new MemoryBlockStore(sectors);
        Device = new BlkDevice(Store, options);
        Device.Activate(negotiate ?? Device.OfferedFeatures);
        Queue = Builder.NewQueue();
    }

    public static byte[] Header(uint type, ulong sector)
    {
        var h = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(h, type);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), sector);
        return h;
    }

    public static byte[] Segment(ulong sector, uint count, uint flags = 0)
    {
        var s = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(s, sector);
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(8), count);
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(12), flags);
        return s;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++) data[i] = (byte)(i * 7 + seed * 13 + 1);
        return data;
    }

    /// <summary>Submits one request and returns (status, used length, writable bytes).</summary>
    public (byte Status, uint Used, byte[] Written) Run(ChainBuilder.Chain chain)
    {
        chain.AddTo(Queue);
        int before = Queue.Completed.Count;
        var result = Device.ProcessQueue(0, Queue);
        Assert.False(result.Error.IsError);
        Assert.Equal(before + 1, Queue.Completed.Count);
        var written = chain.WrittenBytes();
        return (written.Length == 0 ? (byte)0xFF : written[^1], Queue.Completed[^1].Length, written);
    }

    public (byte Status, uint Used) Write(ulong sector, byte[] data) =>
        Pick(Run(Builder.Start().Readable(Header(BlkRequestType.Out, sector)).Readable(data).Writable(1)));

    public (byte Status, uint Used, byte[] Data) Read(ulong sector, int length)
    {
        var r = Run(Builder.Start().Readable(Header(BlkRequestType.In, sector)).Writable(length).Writable(1));
        return (r.Status, r.Used, r.Written[..^1]);
    }

    public byte Flush() => Run(Builder.Start().Readable(Header(BlkRequestType.Flush, 0)).Writable(1)).Status;

    public byte Ranges(uint type, params byte[][] segments)
    {
        var chain = Builder.Start().Readable(Header(type, 0));
        chain.Readable(segments.SelectMany(s => s).ToArray());
        return Run(chain.Writable(1)).Status;
    }

    private static (byte, uint) Pick((byte Status, uint Used, byte[] _) r) => (r.Status, r.Used);
}
