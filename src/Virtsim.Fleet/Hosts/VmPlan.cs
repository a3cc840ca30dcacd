using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Hosts;

/// <summary>A VM as its host builds it: the spec, its IOMMU domain and its devices.</summary>
/// <param name="Spec">The VM.</param>
/// <param name="Pasid">The IOMMU domain of the host's IOMMU the VM's devices use.</param>
/// <param name="Devices">The VM's devices, resolved.</param>
public sealed record VmPlan(VmSpec Spec, uint Pasid, IReadOnlyList<DevicePlan> Devices);
