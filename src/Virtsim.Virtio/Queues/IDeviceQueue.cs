using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues;

/// <summary>
/// The device side of one virtqueue over guest memory (split or packed). Reads available chains,
/// validates them, returns used buffers and decides, honouring the driver's suppression settings,
/// whether the driver must be interrupted. Single-threaded: one owner drives it.
/// </summary>
/// <remarks>
/// Once the ring is found malformed the queue is broken: <see cref="TryPop"/> returns
/// <see cref="PopResult.Broken"/> and <see cref="Error"/> keeps the first reason until <see cref="Reset"/>.
/// </remarks>
public interface IDeviceQueue
{
    /// <summary>Split or packed.</summary>
    QueueFormat Format { get; }

    /// <summary>The ring configuration.</summary>
    QueueConfig Config { get; }

    /// <summary>The device's view of guest memory for this queue (IOMMU, dirty log, transaction counters).</summary>
    DeviceMemory Memory { get; }

    /// <summary>The first error found, or <see cref="QueueError.None"/>.</summary>
    QueueError Error { get; }

    /// <summary>Number of chains popped and not yet completed.</summary>
    int InFlightCount { get; }

    /// <summary>
    /// Takes the next available chain. The chain stays valid until passed to <see cref="TryComplete"/>.
    /// </summary>
    PopResult TryPop(out DescriptorChain chain);

    /// <summary>
    /// Records <paramref name="chain"/> as used with <paramref name="writtenLength"/> bytes written. The entry is
    /// written to the ring now but becomes visible to the driver at <see cref="PublishUsed"/> (split) or
    /// immediately (packed, unless batching under IN_ORDER). Returns false if the queue is broken by a fault.
    /// </summary>
    bool TryComplete(DescriptorChain chain, uint writtenLength);

    /// <summary>
    /// Makes every completed buffer visible to the driver (one 16-bit index store for split) and returns true
    /// when the driver must be interrupted, per NO_INTERRUPT / used_event / packed event suppression.
    /// </summary>
    bool PublishUsed();

    /// <summary>
    /// Asks the driver for doorbells (true) or to hold them (false): NO_NOTIFY / avail_event for split, the
    /// device event suppression structure for packed. After enabling, the owner must check for buffers made
    /// available meanwhile (<see cref="HasAvailable"/>), as the spec's notification race requires.
    /// </summary>
    void SetNotifications(bool enabled);

    /// <summary>True when at least one chain is available to pop (without consuming it).</summary>
    bool HasAvailable();

    /// <summary>
    /// Records the value of a notification carrying VIRTIO_F_NOTIFICATION_DATA, so the device knows how far
    /// the driver has filled the ring without reading its index.
    /// </summary>
    void OnNotificationData(uint data);

    /// <summary>The chains in flight (popped, not completed), in pop order; after a restore these are the ones to redo.</summary>
    IReadOnlyList<DescriptorChain> InFlight { get; }

    /// <summary>Captures the device-side state (see <see cref="QueueState"/>).</summary>
    QueueState SaveState();

    /// <summary>Returns the queue to its just-enabled state (RING_RESET / device reset), clearing any error.</summary>
    void Reset();
}
