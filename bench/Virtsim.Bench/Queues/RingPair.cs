using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Bench.Queues;

/// <summary>A driver side and a device side of one virtqueue over the same guest memory, laid out at fixed addresses.</summary>
public sealed class RingPair
{
    /// <summary>Start of the payload buffers.</summary>
    public const ulong BufferArea = 0x10_0000;

    /// <summary>Builds a pair of <paramref name="format"/> with the given ring features.</summary>
    public RingPair(QueueFormat format, ushort size, bool inOrder, bool indirect, bool eventIdx = false)
    {
        var features = FeatureSet.Of(FeatureBit.Version1);
        if (inOrder) features = features.With(FeatureBit.InOrder);
        if (indirect) features = features.With(FeatureBit.IndirectDesc);
        if (eventIdx) features = features.With(FeatureBit.EventIdx);
        if (format == QueueFormat.Packed) features = features.With(FeatureBit.RingPacked);
        Memory = GuestMemory.WithArray(8 << 20);
        Config = new QueueConfig(format, size, 0x1_0000, 0x4_0000, 0x6_0000, features);
        DeviceMemory = new DeviceMemory(Memory);
        Driver = Virtqueue.CreateDriver(Config, Memory, indirectArea: 0x8_0000, maxIndirectEntries: 8);
        Device = Virtqueue.CreateDevice(Config, DeviceMemory);
    }

    /// <summary>The guest memory both sides use.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The ring configuration.</summary>
    public QueueConfig Config { get; }

    /// <summary>The device's view (with its transaction counters).</summary>
    public DeviceMemory DeviceMemory { get; }

    /// <summary>The driver side.</summary>
    public IDriverQueue Driver { get; }

    /// <summary>The device side.</summary>
    public IDeviceQueue Device { get; }
}
