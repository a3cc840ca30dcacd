namespace Virtsim.Fleet.Messages.Faults;

/// <summary>The faults a simulation can inject into a device queue.</summary>
public enum FaultKind : byte
{
    /// <summary>
    /// The next available chain's head descriptor gets an address outside guest memory (written by DMA through the
    /// host), so serving it finds a malformed chain and the device enters DEVICE_NEEDS_RESET.
    /// </summary>
    CorruptNextDescriptor,

    /// <summary>
    /// A split ring's available index (written by DMA through the host) jumps by more than the queue size past the
    /// chains the device has taken, so the device finds the index out of range and enters DEVICE_NEEDS_RESET.
    /// </summary>
    CorruptAvailIndex,

    /// <summary>
    /// One bit of the next available chain's data flips in guest memory before the device reads it (the middle byte of
    /// the chain's last device-readable buffer: a blk write's data, a request header, a frame). Nothing in virtio can
    /// catch it; the workload's check of the data does.
    /// </summary>
    CorruptData,

    /// <summary>
    /// The driver's used buffer notification suppression, as the device reads it at its next pass, says "no interrupt"
    /// (written by DMA through the host right before that pass): a split ring's <c>used_event</c> half the index range
    /// away with EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT in its available ring flags without; a packed ring's driver event
    /// suppression flags at DISABLE. Every value is legal, so the device cannot catch it: the driver misses the interrupt
    /// and finds the completions only through its interrupt-timeout, or stalls.
    /// </summary>
    CorruptEventSuppression,

    /// <summary>
    /// A split ring's used index, right after a pass of the device wrote it and before the device interrupts, jumps by
    /// more than the queue size (written by DMA through the host): more used buffers than the driver has in flight, which
    /// the driver must catch (spec 2.7.14) and recover from by resetting the device.
    /// </summary>
    CorruptUsedIndex,
}
