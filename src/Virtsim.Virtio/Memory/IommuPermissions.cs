namespace Virtsim.Virtio.Memory;

/// <summary>What a device may do through an IOMMU mapping.</summary>
[Flags]
public enum IommuPermissions : byte
{
    /// <summary>No access.</summary>
    None = 0,
    /// <summary>The device may read (DMA from memory).</summary>
    Read = 1,
    /// <summary>The device may write (DMA to memory).</summary>
    Write = 2,
    /// <summary>Both directions.</summary>
    ReadWrite = Read | Write,
}
