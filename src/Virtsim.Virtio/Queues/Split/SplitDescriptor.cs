using System.Buffers.Binary;

namespace Virtsim.Virtio.Queues.Split;

/// <summary>One split-ring descriptor as stored in the descriptor table or an indirect table (16 bytes, little-endian).</summary>
/// <param name="Address">Buffer address (guest-physical, or IO-virtual behind an IOMMU).</param>
/// <param name="Length">Buffer length in bytes (for an indirect descriptor: the table length).</param>
/// <param name="Flags">NEXT / WRITE / INDIRECT.</param>
/// <param name="Next">Index of the next descriptor when <see cref="SplitDescriptorFlags.Next"/> is set.</param>
public readonly record struct SplitDescriptor(ulong Address, uint Length, SplitDescriptorFlags Flags, ushort Next)
{
    /// <summary>True when <see cref="SplitDescriptorFlags.Next"/> is set.</summary>
    public bool HasNext => (Flags & SplitDescriptorFlags.Next) != 0;

    /// <summary>True when <see cref="SplitDescriptorFlags.Write"/> is set.</summary>
    public bool IsWritable => (Flags & SplitDescriptorFlags.Write) != 0;

    /// <summary>True when <see cref="SplitDescriptorFlags.Indirect"/> is set.</summary>
    public bool IsIndirect => (Flags & SplitDescriptorFlags.Indirect) != 0;

    /// <summary>Decodes a descriptor from the first 16 bytes of <paramref name="source"/>.</summary>
    public static SplitDescriptor Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source[SplitLayout.DescriptorAddressOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[SplitLayout.DescriptorLengthOffset..]),
        (SplitDescriptorFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[SplitLayout.DescriptorFlagsOffset..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[SplitLayout.DescriptorNextOffset..]));

    /// <summary>Encodes this descriptor into the first 16 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SplitLayout.DescriptorAddressOffset..], Address);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SplitLayout.DescriptorLengthOffset..], Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[SplitLayout.DescriptorFlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[SplitLayout.DescriptorNextOffset..], Next);
    }
}
