using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>The SET_LOG_BASE payload: size of the log area and its offset in the attached fd.</summary>
/// <param name="Size">Bytes of log (one bit per 4 KiB page).</param>
/// <param name="Offset">Offset in the fd where the bit for guest address 0 lives.</param>
public readonly record struct LogDescription(ulong Size, ulong Offset)
{
    /// <summary>Encoded size.</summary>
    public const int EncodedSize = 16;

    /// <summary>Largest log accepted: 256 MiB of bits covers 8 TiB of guest memory.</summary>
    public const ulong MaxSize = 256UL << 20;

    /// <summary>Decodes and checks (non-empty, no wrap).</summary>
    /// <exception cref="VhostUserProtocolException">Wrong size, empty or wrapping log.</exception>
    public static LogDescription Parse(ReadOnlySpan<byte> p)
    {
        const VhostUserRequest r = VhostUserRequest.SetLogBase;
        if (p.Length != EncodedSize) throw new VhostUserProtocolException(r, $"log description is {p.Length} bytes, not {EncodedSize}");
        var log = new LogDescription(BinaryPrimitives.ReadUInt64LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]));
        if (log.Size == 0) throw new VhostUserProtocolException(r, "log size is 0");
        if (log.Size > MaxSize) throw new VhostUserProtocolException(r, $"log of 0x{log.Size:x} bytes exceeds 0x{MaxSize:x} (8 TiB of guest memory)");
        if (log.Size + log.Offset < log.Size) throw new VhostUserProtocolException(r, $"log of 0x{log.Size:x} bytes at 0x{log.Offset:x} cannot be mapped");
        return log;
    }

    /// <summary>Encodes into a new array.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt64LittleEndian(b, Size);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), Offset);
        return b;
    }
}
