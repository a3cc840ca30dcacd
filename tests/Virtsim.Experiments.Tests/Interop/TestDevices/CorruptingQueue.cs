using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Tests.Interop.TestDevices;

/// <summary>The queue a <see cref="CorruptingDevice"/> serves through: the real queue, with the chosen chain's data byte flipped.</summary>
internal sealed class CorruptingQueue(IDeviceQueue inner, CorruptingDevice device) : IDeviceQueue
{
    private DescriptorChain? _chosen;

    public QueueFormat Format => inner.Format;
    public QueueConfig Config => inner.Config;
    public DeviceMemory Memory => inner.Memory;
    public QueueError Error => inner.Error;
    public int InFlightCount => inner.InFlightCount;
    public IReadOnlyList<DescriptorChain> InFlight => inner.InFlight;

    public PopResult TryPop(out DescriptorChain chain)
    {
        var result = inner.TryPop(out chain);
        if (result != PopResult.Popped || !device.Chosen()) return result;
        var data = Data(chain);
        if (data.IsWritable) _chosen = chain; // flipped once the device wrote it
        else CorruptingDevice.Flip(inner, data, device.Offset);
        return result;
    }

    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        if (ReferenceEquals(chain, _chosen))
        {
            CorruptingDevice.Flip(inner, Data(chain), device.Offset);
            _chosen = null;
        }
        return inner.TryComplete(chain, writtenLength);
    }

    private static ChainSegment Data(DescriptorChain chain)
    {
        var largest = chain.Segments[0];
        foreach (var s in chain.Segments) if (s.Length > largest.Length) largest = s;
        return largest;
    }

    public bool PublishUsed() => inner.PublishUsed();
    public void SetNotifications(bool enabled) => inner.SetNotifications(enabled);
    public bool HasAvailable() => inner.HasAvailable();
    public void OnNotificationData(uint data) => inner.OnNotificationData(data);
    public QueueState SaveState() => inner.SaveState();
    public void Reset() => inner.Reset();
}
