using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// A vring address description. The three ring addresses are the front-end's user (virtual) addresses, which
/// the back-end translates through the memory table's <c>userspace_addr</c>; <see cref="LogGuestAddress"/> is
/// a guest-physical address used for logging the used ring when <see cref="LogFlag"/> is set.
/// </summary>
/// <param name="Index">Ring index.</param>
/// <param name="Flags">Ring flags (<see cref="LogFlag"/>).</param>
/// <param name="Descriptor">User address of the descriptor table (split) or descriptor ring (packed).</param>
/// <param name="Used">User address of the used ring (split) or device event suppression area (packed).</param>
/// <param name="Available">User address of the available ring (split) or driver event suppression area (packed).</param>
/// <param name="LogGuestAddress">Guest address the used ring's writes are logged at.</param>
public readonly record struct VringAddress(uint Index, uint Flags, ulong Descriptor, ulong Used, ulong Available, ulong LogGuestAddress)
{
    /// <summary>Encoded size.</summary>
    public const int EncodedSize = 40;

    /// <summary>VHOST_VRING_F_LOG: log writes to the used ring.</summary>
    public const uint LogFlag = 0x1;

    /// <summary>Decodes exactly <see cref="EncodedSize"/> bytes; unknown flag bits are refused.</summary>
    /// <exception cref="VhostUserProtocolException">Wrong size or unknown flags.</exception>
    public static VringAddress Parse(ReadOnlySpan<byte> p)
    {
        if (p.Length != EncodedSize) throw new VhostUserProtocolException(VhostUserRequest.SetVringAddr, $"vring address is {p.Length} bytes, not {EncodedSize}");
        var address = new VringAddress(
            BinaryPrimitives.ReadUInt32LittleEndian(p),
            BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(p[32..]));
        if ((address.Flags & ~LogFlag) != 0)
            throw new VhostUserProtocolException(VhostUserRequest.SetVringAddr, $"unknown vring flags 0x{address.Flags:x}");
        return address;
    }

    /// <summary>Encodes into a new array.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt32LittleEndian(b, Index);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), Descriptor);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), Used);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), Available);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(32), LogGuestAddress);
        return b;
    }
}
