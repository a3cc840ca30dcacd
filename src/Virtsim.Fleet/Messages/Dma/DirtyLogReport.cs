namespace Virtsim.Fleet.Messages.Dma;

/// <summary>The answer to <see cref="QueryDirtyLog"/>.</summary>
/// <param name="Pasid">The VM's IOMMU domain.</param>
/// <param name="DirtyPages">Dirty 4 KiB pages (-1 when the host has no such VM).</param>
public sealed record DirtyLogReport(uint Pasid, int DirtyPages);
