using System.Buffers.Binary;

namespace Virtsim.Fleet.Workloads;

/// <summary>
/// The checksum workloads keep for what they wrote and sent: FNV-1a's xor-multiply step over little-endian 64-bit
/// words (then the remaining bytes one by one), so 4 KiB blocks hash eight times faster than byte-wise FNV-1a.
/// Deterministic across runs and machines.
/// </summary>
public static class Checksum
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> data)
    {
        ulong h = Offset ^ (ulong)data.Length;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(data[i..])) * Prime;
            h ^= h >> 29;
        }
        for (; i < data.Length; i++) h = (h ^ data[i]) * Prime;
        return h;
    }
}
