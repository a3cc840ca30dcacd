using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>A vring state description: ring index u32 and a number u32 (size, base, enable flag).</summary>
/// <param name="Index">The ring index.</param>
/// <param name="Num">The number.</param>
public readonly record struct VringState(uint Index, uint Num)
{
    /// <summary>Encoded size.</summary>
    public const int EncodedSize = 8;

    /// <summary>Decodes exactly <see cref="EncodedSize"/> bytes.</summary>
    /// <exception cref="VhostUserProtocolException">Wrong size.</exception>
    public static VringState Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != EncodedSize) throw new VhostUserProtocolException($"vring state is {payload.Length} bytes, not {EncodedSize}");
        return new VringState(BinaryPrimitives.ReadUInt32LittleEndian(payload), BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
    }

    /// <summary>Encodes into a new array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Index);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Num);
        return bytes;
    }
}
