namespace Virtsim.Virtio.Queues;

/// <summary>One buffer piece of a descriptor chain, as the device sees it (device addresses).</summary>
/// <param name="Address">Device address (guest-physical, or IO-virtual behind an IOMMU).</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="IsWritable">True when the device writes it (VIRTQ_DESC_F_WRITE).</param>
public readonly record struct ChainSegment(ulong Address, uint Length, bool IsWritable);
