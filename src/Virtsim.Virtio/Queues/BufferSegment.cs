namespace Virtsim.Virtio.Queues;

/// <summary>One piece of a buffer a driver makes available.</summary>
/// <param name="Address">Address the device will use (guest-physical, or IO-virtual behind an IOMMU).</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="DeviceWritable">True for a buffer the device fills (receive data, status bytes).</param>
public readonly record struct BufferSegment(ulong Address, uint Length, bool DeviceWritable);
