using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// A device queue that records its pops and completions in the shared in-flight area
/// (<see cref="SplitInflightTracker"/>) around the core queue it wraps: the device logic is unchanged and the
/// ring itself is still served by the core's queue alone.
/// </summary>
public sealed class InflightTrackingQueue : IDeviceQueue
{
    /// <summary>Wraps <paramref name="inner"/>, tracking it in <paramref name="tracker"/>.</summary>
    public InflightTrackingQueue(IDeviceQueue inner, SplitInflightTracker tracker)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
    }

    /// <summary>The core queue.</summary>
    public IDeviceQueue Inner { get; }

    /// <summary>The shared-area tracker.</summary>
    public SplitInflightTracker Tracker { get; }

    /// <inheritdoc />
    public QueueFormat Format => Inner.Format;

    /// <inheritdoc />
    public QueueConfig Config => Inner.Config;

    /// <inheritdoc />
    public DeviceMemory Memory => Inner.Memory;

    /// <inheritdoc />
    public QueueError Error => Inner.Error;

    /// <inheritdoc />
    public int InFlightCount => Inner.InFlightCount;

    /// <inheritdoc />
    public IReadOnlyList<DescriptorChain> InFlight => Inner.InFlight;

    /// <inheritdoc />
    public PopResult TryPop(out DescriptorChain chain)
    {
        var result = Inner.TryPop(out chain);
        if (result == PopResult.Popped) Tracker.Popped(chain.Id);
        return result;
    }

    /// <inheritdoc />
    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ushort head = chain.Id; // the chain goes back to the pool on completion
        if (!Inner.TryComplete(chain, writtenLength)) return false;
        Tracker.Used(head);
        return true;
    }

    /// <inheritdoc />
    public bool PublishUsed()
    {
        bool interrupt = Inner.PublishUsed();
        if (!Inner.Error.IsError) Tracker.Published();
        return interrupt;
    }

    /// <inheritdoc />
    public void SetNotifications(bool enabled) => Inner.SetNotifications(enabled);

    /// <inheritdoc />
    public bool HasAvailable() => Inner.HasAvailable();

    /// <inheritdoc />
    public void OnNotificationData(uint data) => Inner.OnNotificationData(data);

    /// <inheritdoc />
    public QueueState SaveState() => Inner.SaveState();

    /// <inheritdoc />
    public void Reset() => Inner.Reset();
}
