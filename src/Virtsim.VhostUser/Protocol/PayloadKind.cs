namespace Virtsim.VhostUser.Protocol;

/// <summary>The shape of a request's payload.</summary>
public enum PayloadKind : byte
{
    /// <summary>No payload (an ignored u64 is tolerated).</summary>
    None,
    /// <summary>A single u64.</summary>
    U64,
    /// <summary>A vring state: index u32, num u32.</summary>
    VringState,
    /// <summary>A vring address: index, flags, descriptor, used, available, log.</summary>
    VringAddress,
    /// <summary>A memory table: count, padding, up to 8 regions.</summary>
    MemoryTable,
    /// <summary>A single memory region with 8 bytes of padding before it.</summary>
    SingleRegion,
    /// <summary>A log description: size u64, offset u64.</summary>
    Log,
    /// <summary>A device config access: offset, size, flags, then size bytes.</summary>
    Config,
    /// <summary>An in-flight description: mmap size, mmap offset, queue count, queue size.</summary>
    Inflight,
    /// <summary>Variable payload this back-end never decodes (the request is refused).</summary>
    Opaque,
}
