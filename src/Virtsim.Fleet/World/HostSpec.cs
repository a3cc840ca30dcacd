namespace Virtsim.Fleet.World;

/// <summary>A host: its VMs (each gets an IOMMU domain of the host's IOMMU).</summary>
public sealed record HostSpec
{
    /// <summary>The host's name.</summary>
    public required string Name { get; init; }

    /// <summary>The host's VMs.</summary>
    public IReadOnlyList<VmSpec> Vms { get; init; } = [];
}
