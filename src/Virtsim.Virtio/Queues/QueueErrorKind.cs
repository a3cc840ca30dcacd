namespace Virtsim.Virtio.Queues;

/// <summary>
/// Why a virtqueue is broken. Every malformed ring content maps to one of these; a device that sees one
/// sets DEVICE_NEEDS_RESET and records it as the reason.
/// </summary>
public enum QueueErrorKind : byte
{
    /// <summary>No error.</summary>
    None,
    /// <summary>A ring area (descriptor table/ring, driver area, device area) is not mapped or misaligned.</summary>
    RingNotMapped,
    /// <summary>The available index moved by more than the queue size since the device last looked.</summary>
    AvailIndexOutOfRange,
    /// <summary>A head or next index points past the end of the descriptor table.</summary>
    DescriptorIndexOutOfRange,
    /// <summary>Following next pointers came back to a descriptor already in the chain.</summary>
    ChainLoop,
    /// <summary>The chain has more descriptors than the queue size allows.</summary>
    ChainTooLong,
    /// <summary>A buffer address range is not backed by guest memory (or wraps the address space).</summary>
    BufferOutOfRange,
    /// <summary>The IOMMU refused an access (no mapping or wrong permission).</summary>
    IommuFault,
    /// <summary>An indirect table contains a descriptor with the INDIRECT flag.</summary>
    NestedIndirect,
    /// <summary>A descriptor has both INDIRECT and NEXT set.</summary>
    IndirectWithNext,
    /// <summary>An indirect table's length is zero or not a multiple of 16.</summary>
    IndirectTableLengthInvalid,
    /// <summary>INDIRECT used although VIRTIO_F_INDIRECT_DESC was not negotiated.</summary>
    IndirectNotNegotiated,
    /// <summary>A device-readable descriptor follows a device-writable one.</summary>
    ReadableAfterWritable,
    /// <summary>A buffer id that is already in flight was made available again.</summary>
    BufferIdInUse,
    /// <summary>Driver side: the device returned an id that is not in flight.</summary>
    UsedIdNotInFlight,
    /// <summary>Driver side: the device reported more bytes written than the buffer's writable part.</summary>
    UsedLengthTooLarge,
    /// <summary>The used index moved by more than the number of buffers in flight.</summary>
    UsedIndexOutOfRange,
    /// <summary>A guest-memory access to a ring field failed.</summary>
    RingAccessFault,
    /// <summary>
    /// Packed: a descriptor that an available descriptor links to with NEXT is not itself marked available
    /// (the driver exposed a partial chain).
    /// </summary>
    DescriptorNotAvailable,
    /// <summary>
    /// A request breaks its device type's rules in a way no status can report (blk: no device-writable status byte;
    /// net: a transmit header shorter than virtio_net_hdr, or with fields the negotiated features forbid).
    /// </summary>
    MalformedRequest,
    /// <summary>Split, without EVENT_IDX: the available ring's flags are neither 0 nor 1 (spec 2.7.7.1).</summary>
    DriverFlagsInvalid,
    /// <summary>The driver notified the queue before setting DRIVER_OK (spec 3.1.1).</summary>
    NotifiedBeforeDriverOk,
}
