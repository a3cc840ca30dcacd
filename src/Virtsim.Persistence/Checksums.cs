using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Virtsim.Persistence;

/// <summary>
/// CRC-32C (Castagnoli) checksums of stored rows, computed in code with the CPU's CRC instruction where there
/// is one (<see cref="BitOperations.Crc32C(uint, ulong)"/>). The checksum covers the row's identity (persistence id,
/// sequence number) as well as its content, so a row moved to another key is caught too.
/// </summary>
internal static class Checksums
{
    /// <summary>Checksum of a journal event row.</summary>
    public static uint Event(string persistenceId, long sequenceNr, long epoch, string manifest, ReadOnlySpan<byte> payload)
    {
        uint crc = 0xFFFFFFFFu;
        crc = Append(crc, persistenceId);
        crc = BitOperations.Crc32C(crc, (ulong)sequenceNr);
        crc = BitOperations.Crc32C(crc, (ulong)epoch);
        crc = Append(crc, manifest);
        crc = Append(crc, payload);
        return ~crc;
    }

    /// <summary>Checksum of a snapshot row.</summary>
    public static uint Snapshot(string persistenceId, long sequenceNr, long timestampTicks, string manifest, ReadOnlySpan<byte> payload)
    {
        uint crc = 0xFFFFFFFFu;
        crc = Append(crc, persistenceId);
        crc = BitOperations.Crc32C(crc, (ulong)sequenceNr);
        crc = BitOperations.Crc32C(crc, (ulong)timestampTicks);
        crc = Append(crc, manifest);
        crc = Append(crc, payload);
        return ~crc;
    }

    /// <summary>Plain CRC-32C of <paramref name="data"/> (for the known-answer test).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    private static uint Append(uint crc, string text)
    {
        // Length prefix keeps ("ab","c") and ("a","bc") apart.
        crc = BitOperations.Crc32C(crc, (uint)text.Length);
        Span<byte> buffer = text.Length <= 128 ? stackalloc byte[text.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        int n = Encoding.UTF8.GetBytes(text, buffer);
        return Append(crc, buffer[..n]);
    }

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong w in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
        }

        for (int i = words.Length * 8; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return crc;
    }
}
