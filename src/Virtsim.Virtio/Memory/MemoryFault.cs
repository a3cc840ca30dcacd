namespace Virtsim.Virtio.Memory;

/// <summary>Why a device-side memory access failed.</summary>
public enum MemoryFaultKind : byte
{
    /// <summary>No fault.</summary>
    None,
    /// <summary>The (translated) guest-physical range is not backed by any region.</summary>
    OutOfRange,
    /// <summary>The IOMMU has no mapping for the IO-virtual address.</summary>
    IommuNoMapping,
    /// <summary>The IOMMU mapping does not permit this direction.</summary>
    IommuPermission,
}

/// <summary>A failed device-side access: what went wrong, where, and what the access was for.</summary>
public readonly record struct MemoryFault(MemoryFaultKind Kind, ulong Address, ulong Length, MemoryAccessKind Access, bool IsWrite)
{
    /// <summary>A readable description.</summary>
    public override string ToString() =>
        $"{Kind} on {(IsWrite ? "write" : "read")} of {Access} at 0x{Address:x} (+{Length})";
}
