namespace Virtsim.Virtio.Queues;

/// <summary>A chain the device had popped but not yet completed when its queue state was saved.</summary>
/// <param name="Id">The buffer id it will be completed with.</param>
/// <param name="DescriptorCount">Ring descriptors it occupies.</param>
/// <param name="IsIndirect">True when it came from an indirect table.</param>
/// <param name="Segments">Its segments, so a restored device can process it again without re-reading the ring.</param>
public sealed record InFlightBuffer(ushort Id, ushort DescriptorCount, bool IsIndirect, ChainSegment[] Segments);
