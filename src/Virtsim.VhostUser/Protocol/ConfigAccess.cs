using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>A GET_CONFIG / SET_CONFIG payload: offset u32, size u32, flags u32, then <c>size</c> bytes.</summary>
/// <param name="Offset">Offset in the device config space.</param>
/// <param name="Flags">0 writable fields, 1 live migration.</param>
/// <param name="Data">The bytes (for GET_CONFIG requests, their count is the size asked for).</param>
public sealed record ConfigAccess(uint Offset, uint Flags, byte[] Data)
{
    /// <summary>Size of the fixed prefix.</summary>
    public const int PrefixSize = 12;

    /// <summary>Flag: a write made for live migration (may touch read-only fields).</summary>
    public const uint MigrationFlag = 1;

    /// <summary>Checks that the size field agrees with the payload length and is at most 256.</summary>
    /// <exception cref="VhostUserProtocolException">It does not.</exception>
    public static void CheckSize(VhostUserRequest request, ReadOnlySpan<byte> p)
    {
        if (p.Length < PrefixSize) throw new VhostUserProtocolException(request, $"config payload is {p.Length} bytes, shorter than its {PrefixSize}-byte prefix");
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(p[4..]);
        if (size > VhostUserRequestRules.MaxConfigSize) throw new VhostUserProtocolException(request, $"config size {size} exceeds {VhostUserRequestRules.MaxConfigSize}");
        if (p.Length != PrefixSize + size) throw new VhostUserProtocolException(request, $"config payload is {p.Length} bytes for a {size}-byte access");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(p[8..]);
        if (flags > MigrationFlag) throw new VhostUserProtocolException(request, $"config flags {flags} are neither 0 nor 1");
    }

    /// <summary>Decodes a checked payload.</summary>
    /// <exception cref="VhostUserProtocolException">Malformed.</exception>
    public static ConfigAccess Parse(VhostUserRequest request, ReadOnlySpan<byte> p)
    {
        CheckSize(request, p);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(p[4..]);
        return new ConfigAccess(BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt32LittleEndian(p[8..]), p.Slice(PrefixSize, (int)size).ToArray());
    }

    /// <summary>Encodes prefix and data.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[PrefixSize + Data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(b, Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), Flags);
        Data.CopyTo(b, PrefixSize);
        return b;
    }
}
