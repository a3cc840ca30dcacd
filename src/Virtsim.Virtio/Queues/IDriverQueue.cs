namespace Virtsim.Virtio.Queues;

/// <summary>
/// The driver side of one virtqueue over guest memory (split or packed): makes buffers available,
/// decides whether the device wants a doorbell, and collects used buffers. Single-threaded.
/// </summary>
public interface IDriverQueue
{
    /// <summary>Split or packed.</summary>
    QueueFormat Format { get; }

    /// <summary>The ring configuration (addresses as the device sees them).</summary>
    QueueConfig Config { get; }

    /// <summary>The first error the device caused (a bad used entry), or <see cref="QueueError.None"/>.</summary>
    QueueError Error { get; }

    /// <summary>Free descriptor slots in the ring.</summary>
    int FreeDescriptors { get; }

    /// <summary>Buffers made available and not yet returned.</summary>
    int InFlightCount { get; }

    /// <summary>
    /// Writes a chain made of <paramref name="segments"/> (device-readable ones first) into the ring, through an
    /// indirect table when <paramref name="indirect"/> is true. Not visible to the device until
    /// <see cref="PublishAvailable"/>. Returns false when the ring has no room.
    /// </summary>
    /// <exception cref="ArgumentException">Empty chain, readable after writable, or indirect not negotiated.</exception>
    bool TryAdd(ReadOnlySpan<BufferSegment> segments, bool indirect, out ushort id);

    /// <summary>
    /// Makes every added chain visible to the device (a single 16-bit index store for split; the head's flags
    /// written last for packed) and returns true when the device wants a doorbell, per NO_NOTIFY / avail_event /
    /// packed event suppression.
    /// </summary>
    bool PublishAvailable();

    /// <summary>The 32-bit VIRTIO_F_NOTIFICATION_DATA value for a doorbell on queue <paramref name="queueIndex"/> now.</summary>
    uint NotificationData(ushort queueIndex);

    /// <summary>Takes the next used buffer, expanding IN_ORDER batches into one result per buffer.</summary>
    TakeResult TryTakeUsed(out UsedBuffer used);

    /// <summary>
    /// Asks the device for interrupts (true) or to hold them (false). With EVENT_IDX, enabling arms used_event
    /// at the next used index. Returns true when enabling and used buffers are already pending (the caller must
    /// process them rather than wait).
    /// </summary>
    bool SetInterrupts(bool enabled);
}
