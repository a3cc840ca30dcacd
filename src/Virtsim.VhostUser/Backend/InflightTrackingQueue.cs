using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// A device queue that records its pops and completions in the shared in-flight area
/// (<see cref="SplitInflightTracker"/>) around the core queue it wraps: the device logic is unchanged and the
/// ring itself is still served by the core's queue alone.
/// </summary>
public sealed class InflightTrackingQueue : InflightTrackingQueueBase
{
    /// <summary>
    /// Wraps <paramref name="inner"/>, tracking it in <paramref name="tracker"/>; turns IN_ORDER batching of a
    /// <see cref="SplitDeviceQueue"/> off (each completion writes its own used element). Wrap the core once it is
    /// configured: settings changed on it later are not checked.
    /// </summary>
    public InflightTrackingQueue(IDeviceQueue inner, SplitInflightTracker tracker) : base(inner)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
        // Each head the area links into its used batch gets its own used element, as the area records it.
        if (inner is SplitDeviceQueue split) split.BatchInOrder = false;
    }

    /// <summary>The core queue.</summary>
    public IDeviceQueue Inner { get; }

    /// <summary>The shared-area tracker.</summary>
    public SplitInflightTracker Tracker { get; }

    /// <inheritdoc />
    public override PopResult TryPop(out DescriptorChain chain)
    {
        var result = Inner.TryPop(out chain);
        if (result == PopResult.Popped) Tracker.Popped(chain.Id);
        return result;
    }

    /// <inheritdoc />
    public override bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ushort head = chain.Id; // the chain goes back to the pool on completion
        if (!Inner.TryComplete(chain, writtenLength)) return false;
        Tracker.Used(head);
        return true;
    }

    /// <inheritdoc />
    public override bool PublishUsed()
    {
        bool interrupt = Inner.PublishUsed();
        if (!Inner.Error.IsError) Tracker.Published();
        return interrupt;
    }
}
