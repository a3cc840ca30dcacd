using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Backend;

/// <summary>What <see cref="PackedInflightTracker.Recover"/> found in a packed ring's area.</summary>
/// <param name="Chains">The chains still in flight, in the order they were popped, as copies of their ring descriptors.</param>
/// <param name="NextUsed">Where the device writes its next used descriptor (a half-published completion committed or rolled back).</param>
/// <param name="NextAvail">Where the device reads its next available descriptor: past every descriptor of <paramref name="Chains"/>.</param>
public sealed record PackedInflightRecovery(PackedDescriptor[][] Chains, RingPosition NextUsed, RingPosition NextAvail)
{
    /// <summary>
    /// <paramref name="state"/> moved to where the device continues: next available <see cref="NextAvail"/>, next used
    /// <see cref="NextUsed"/>, also taken as the last signalled position. The <see cref="Chains"/> are the caller's to resubmit.
    /// </summary>
    public QueueState Apply(QueueState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with
        {
            NextAvail = NextAvail.Slot, AvailWrapCounter = NextAvail.Wrap,
            NextUsed = NextUsed.Slot, UsedWrapCounter = NextUsed.Wrap,
            SignalledUsed = NextUsed.Slot, SignalledUsedWrap = NextUsed.Wrap,
        };
    }
}
