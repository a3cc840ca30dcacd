using System.Buffers.Binary;

namespace Virtsim.Virtio.Queues.Packed;

/// <summary>One <c>pvirtq_desc</c>: addr le64, len le32, id le16, flags le16 (spec §2.8.13).</summary>
/// <param name="Address">Element address (unused in used descriptors).</param>
/// <param name="Length">Element length (available) or bytes written (used, valid with WRITE).</param>
/// <param name="Id">Buffer id.</param>
/// <param name="Flags">NEXT, WRITE, INDIRECT, AVAIL, USED.</param>
public readonly record struct PackedDescriptor(ulong Address, uint Length, ushort Id, ushort Flags)
{
    /// <summary>Decodes the first 16 bytes of <paramref name="bytes"/>.</summary>
    public static PackedDescriptor Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[PackedLayout.AddressOffset..]),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[PackedLayout.LengthOffset..]),
        BinaryPrimitives.ReadUInt16LittleEndian(bytes[PackedLayout.IdOffset..]),
        BinaryPrimitives.ReadUInt16LittleEndian(bytes[PackedLayout.FlagsOffset..]));

    /// <summary>Encodes all 16 bytes into <paramref name="bytes"/>.</summary>
    public void Write(Span<byte> bytes)
    {
        WriteBody(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[PackedLayout.FlagsOffset..], Flags);
    }

    /// <summary>Encodes addr, len and id (the first 14 bytes): everything but the flags, which go last.</summary>
    public void WriteBody(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[PackedLayout.AddressOffset..], Address);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[PackedLayout.LengthOffset..], Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[PackedLayout.IdOffset..], Id);
    }

    /// <summary>NEXT is set.</summary>
    public bool HasNext => (Flags & PackedLayout.FlagNext) != 0;

    /// <summary>WRITE is set.</summary>
    public bool IsWrite => (Flags & PackedLayout.FlagWrite) != 0;

    /// <summary>INDIRECT is set.</summary>
    public bool IsIndirect => (Flags & PackedLayout.FlagIndirect) != 0;
}
