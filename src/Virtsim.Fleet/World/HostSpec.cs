namespace Virtsim.Fleet.World;

/// <summary>A host: its VMs (each gets an IOMMU domain of the host's IOMMU).</summary>
public sealed record HostSpec
{
    /// <summary>The host's name.</summary>
    public required string Name { get; init; }

    /// <summary>The host's NIC bandwidth in bytes per second, each way (scenario key <c>bandwidth</c>): what its migrations share.</summary>
    public long Bandwidth { get; init; } = 1_250_000_000;

    /// <summary>The host's VMs (none: a destination waiting for VMs).</summary>
    public IReadOnlyList<VmSpec> Vms { get; init; } = [];
}
