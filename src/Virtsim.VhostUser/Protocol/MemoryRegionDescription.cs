using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>One memory region of a memory table.</summary>
/// <param name="GuestAddress">Guest-physical address of the first byte.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="UserAddress">The front-end's virtual address of the first byte (ring addresses use these).</param>
/// <param name="MmapOffset">Offset in the region's file descriptor where the region starts.</param>
public readonly record struct MemoryRegionDescription(ulong GuestAddress, ulong Size, ulong UserAddress, ulong MmapOffset)
{
    /// <summary>Encoded size.</summary>
    public const int EncodedSize = VhostUserRequestRules.RegionSize;

    /// <summary>Decodes one region (no validation beyond the size).</summary>
    public static MemoryRegionDescription Parse(ReadOnlySpan<byte> p)
    {
        if (p.Length != EncodedSize) throw new VhostUserProtocolException($"memory region is {p.Length} bytes, not {EncodedSize}");
        return new MemoryRegionDescription(
            BinaryPrimitives.ReadUInt64LittleEndian(p),
            BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[24..]));
    }

    /// <summary>Writes the region into <paramref name="destination"/> (at least <see cref="EncodedSize"/> bytes).</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, GuestAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Size);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], UserAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], MmapOffset);
    }

    /// <summary>True when the user range [<see cref="UserAddress"/>, +<see cref="Size"/>) contains [<paramref name="address"/>, +<paramref name="length"/>).</summary>
    public bool ContainsUser(ulong address, ulong length) =>
        address >= UserAddress && address - UserAddress <= Size && Size - (address - UserAddress) >= length;
}
