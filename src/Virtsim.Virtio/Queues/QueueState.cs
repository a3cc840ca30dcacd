using System.Collections.Immutable;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Queues;

/// <summary>
/// Everything a device-side virtqueue needs to continue exactly where it stopped, as a plain serializable
/// value: saved from a live queue and restored into a fresh queue over the same guest memory. The ring
/// contents themselves stay in guest memory; this is the device's private state beside them.
/// </summary>
public sealed record QueueState
{
    /// <summary>The ring configuration.</summary>
    public required QueueConfig Config { get; init; }

    /// <summary>
    /// Split: the next available-ring index the device will read (last_avail_idx).
    /// Packed: the next descriptor ring slot the device will read.
    /// </summary>
    public ushort NextAvail { get; init; }

    /// <summary>Packed: the device's wrap counter for reading available descriptors. Always true for split.</summary>
    public bool AvailWrapCounter { get; init; } = true;

    /// <summary>
    /// Split: the device's used index including entries written but not yet published (shadow used idx).
    /// Packed: the next descriptor ring slot the device will write a used descriptor to.
    /// </summary>
    public ushort NextUsed { get; init; }

    /// <summary>Packed: the device's wrap counter for writing used descriptors. Always true for split.</summary>
    public bool UsedWrapCounter { get; init; } = true;

    /// <summary>
    /// The used index (split) or used slot (packed) at the last point the driver was considered signalled,
    /// for EVENT_IDX interrupt suppression.
    /// </summary>
    public ushort SignalledUsed { get; init; }

    /// <summary>Packed: wrap counter that goes with <see cref="SignalledUsed"/>.</summary>
    public bool SignalledUsedWrap { get; init; } = true;

    /// <summary>True when the device wants doorbells (it had not suppressed notifications).</summary>
    public bool NotificationsEnabled { get; init; } = true;

    /// <summary>Chains popped but not yet completed, in pop order.</summary>
    public ImmutableArray<InFlightBuffer> InFlight { get; init; } = [];

    /// <summary>Ring-relevant negotiated features (same as <see cref="QueueConfig.Features"/>).</summary>
    public FeatureSet Features => Config.Features;
}
