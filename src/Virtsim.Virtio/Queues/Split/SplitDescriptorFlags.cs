namespace Virtsim.Virtio.Queues.Split;

/// <summary>Flags of a split-ring descriptor (spec §2.7.5).</summary>
[Flags]
public enum SplitDescriptorFlags : ushort
{
    /// <summary>No flag: a device-readable buffer that ends the chain.</summary>
    None = 0,
    /// <summary>VIRTQ_DESC_F_NEXT: the chain continues at <c>next</c>.</summary>
    Next = 1,
    /// <summary>VIRTQ_DESC_F_WRITE: the buffer is device-writable.</summary>
    Write = 2,
    /// <summary>VIRTQ_DESC_F_INDIRECT: the buffer is a table of descriptors.</summary>
    Indirect = 4,
}
