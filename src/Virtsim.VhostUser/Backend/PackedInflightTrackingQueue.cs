using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// A packed device queue that records its pops and completions in the shared in-flight area
/// (<see cref="PackedInflightTracker"/>) around the core queue it wraps: a chain popped from the ring is copied
/// from its ring slots into the area before any used descriptor can overwrite them; a completion moves the area's
/// used position before the core writes the used descriptor and clears the chain after. Chains the core pops
/// from its resubmit list (recovered from the area) are already recorded there.
/// </summary>
public sealed class PackedInflightTrackingQueue : InflightTrackingQueueBase
{
    private readonly PackedDescriptor[] _copies; // the core's DescriptorCapture

    /// <summary>
    /// Wraps <paramref name="inner"/>, tracking it in <paramref name="tracker"/>; turns IN_ORDER batching and
    /// <see cref="PackedDeviceQueue.DeferUsed"/> off (each used descriptor is written by its completion). Wrap the
    /// core once it is configured: settings changed on it later are not checked.
    /// </summary>
    public PackedInflightTrackingQueue(PackedDeviceQueue inner, PackedInflightTracker tracker) : base(inner)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
        // The area's used position must move just before each used descriptor is written, not at a later flush.
        inner.DeferUsed = false;
        inner.BatchInOrder = false;
        _copies = new PackedDescriptor[inner.Config.Size];
        inner.DescriptorCapture = _copies;
    }

    /// <summary>The core queue.</summary>
    public PackedDeviceQueue Inner { get; }

    /// <summary>The shared-area tracker.</summary>
    public PackedInflightTracker Tracker { get; }

    /// <inheritdoc />
    public override PopResult TryPop(out DescriptorChain chain)
    {
        var from = Inner.NextAvail;
        var result = Inner.TryPop(out chain);
        if (result != PopResult.Popped || Inner.NextAvail == from) return result; // a resubmitted chain is in the area already
        // The core copied the descriptors it just read from the ring; no used descriptor has been written over them yet.
        Tracker.Popped(_copies.AsSpan(0, chain.DescriptorCount));
        return result;
    }

    /// <inheritdoc />
    public override bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ushort id = chain.Id; // the chain goes back to the pool on completion
        if (Inner.Error.IsError) return false;
        Tracker.Completing(id, chain.DescriptorCount);
        if (!Inner.TryComplete(chain, writtenLength)) return false;
        Tracker.Completed(id);
        return true;
    }
}
