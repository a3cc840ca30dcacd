using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>A device queue that only records what the transport does to it.</summary>
internal sealed class FakeDeviceQueue(QueueConfig config, DeviceMemory memory) : IDeviceQueue
{
    public QueueFormat Format => Config.Format;
    public QueueConfig Config { get; } = config;
    public DeviceMemory Memory { get; } = memory;
    public QueueError Error => QueueError.None;
    public int InFlightCount => 0;
    public IReadOnlyList<DescriptorChain> InFlight => [];
    public List<uint> NotificationData { get; } = [];
    public int ResetCount { get; private set; }

    public PopResult TryPop(out DescriptorChain chain)
    {
        chain = null!;
        return PopResult.Empty;
    }

    public bool TryComplete(DescriptorChain chain, uint writtenLength) => false;
    public bool PublishUsed() => false;
    public void SetNotifications(bool enabled) { }
    public bool HasAvailable() => false;
    public void OnNotificationData(uint data) => NotificationData.Add(data);
    public QueueState SaveState() => new() { Config = Config };
    public void Reset() => ResetCount++;
}
