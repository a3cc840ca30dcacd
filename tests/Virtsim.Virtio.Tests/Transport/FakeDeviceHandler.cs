using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>A small scripted device type: 16 config bytes (0-7 read-only, 8-15 writable).</summary>
internal sealed class FakeDeviceHandler : IDeviceHandler
{
    public static readonly FeatureSet DefaultOffer = FeatureSet.Of(0, 5, FeatureBit.EventIdx, FeatureBit.Version1,
        FeatureBit.RingReset, FeatureBit.NotificationData, 70, 127);

    public readonly byte[] Config = new byte[16];

    public DeviceType Type { get; init; } = DeviceType.Block;
    public FeatureSet OfferedFeatures { get; init; } = DefaultOffer;
    public int QueueCount { get; init; } = 2;
    public ushort MaxQueueSize { get; init; } = 256;
    public int ConfigSize => Config.Length;
    public bool RaiseOnWrite { get; set; }

    public Func<FeatureSet, string?> Validator { get; set; } = _ => null;
    public Func<int, IDeviceQueue, QueueProcessResult> Process { get; set; } = (_, _) => new QueueProcessResult(1, true, QueueError.None);

    public List<int> Processed { get; } = [];
    public FeatureSet? Activated { get; private set; }
    public int ResetCount { get; private set; }

    public event Action? ConfigChanged;

    public void ReadConfig(int offset, Span<byte> destination)
    {
        destination.Clear();
        for (int i = 0; i < destination.Length && offset + i < Config.Length; i++) destination[i] = Config[offset + i];
    }

    public void WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < source.Length; i++)
            if (offset + i >= 8 && offset + i < Config.Length) Config[offset + i] = source[i];
        if (RaiseOnWrite) ConfigChanged?.Invoke();
    }

    /// <summary>The device changes its own config (link status, capacity...).</summary>
    public void ChangeConfig(int offset, byte value)
    {
        Config[offset] = value;
        ConfigChanged?.Invoke();
    }

    public string? ValidateFeatures(FeatureSet accepted) => Validator(accepted);

    public void Activate(FeatureSet negotiated) => Activated = negotiated;

    public QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        Processed.Add(queueIndex);
        return Process(queueIndex, queue);
    }

    public void Reset()
    {
        ResetCount++;
        Activated = null;
        Array.Clear(Config, 8, 8);
    }
}
