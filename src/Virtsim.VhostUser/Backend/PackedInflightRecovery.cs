using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Backend;

/// <summary>What <see cref="PackedInflightTracker.Recover"/> found in a packed ring's area.</summary>
/// <param name="Chains">The chains still in flight, in the order they were popped, as copies of their ring descriptors.</param>
/// <param name="NextUsed">Where the device writes its next used descriptor (a half-published completion committed or rolled back).</param>
/// <param name="NextAvail">Where the device reads its next available descriptor: past every descriptor of <paramref name="Chains"/>.</param>
public sealed record PackedInflightRecovery(PackedDescriptor[][] Chains, RingPosition NextUsed, RingPosition NextAvail);
