using System.Buffers.Binary;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The content the blk driver writes over the whole disk: every aligned 8-byte word holds a hash of the seed and
/// the word's byte offset, so a block written at the wrong place, a stale block or a torn one never matches.
/// Pure and allocation free.
/// </summary>
public static class DiskPattern
{
    /// <summary>Fills <paramref name="destination"/> with the pattern of the disk bytes starting at <paramref name="diskOffset"/>.</summary>
    /// <exception cref="ArgumentException">The offset or the length is not a multiple of 8.</exception>
    public static void Fill(Span<byte> destination, ulong seed, ulong diskOffset)
    {
        Check(destination.Length, diskOffset);
        for (int i = 0; i < destination.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], Word(seed, diskOffset + (ulong)i));
    }

    /// <summary>The index of the first byte of <paramref name="data"/> that differs from the pattern, or -1.</summary>
    /// <exception cref="ArgumentException">The offset or the length is not a multiple of 8.</exception>
    public static int FirstMismatch(ReadOnlySpan<byte> data, ulong seed, ulong diskOffset)
    {
        Check(data.Length, diskOffset);
        Span<byte> expected = stackalloc byte[8];
        for (int i = 0; i < data.Length; i += 8)
        {
            ulong word = Word(seed, diskOffset + (ulong)i);
            if (BinaryPrimitives.ReadUInt64LittleEndian(data[i..]) == word) continue;
            // The byte within the word, so a report points at the byte that changed.
            BinaryPrimitives.WriteUInt64LittleEndian(expected, word);
            int within = 0;
            while (data[i + within] == expected[within]) within++;
            return i + within;
        }
        return -1;
    }

    private static ulong Word(ulong seed, ulong offset) => SplitMix.Mix(seed ^ SplitMix.Mix(offset));

    private static void Check(int length, ulong offset)
    {
        if (length % 8 != 0 || offset % 8 != 0) throw new ArgumentException("disk pattern ranges are 8-byte aligned");
    }
}
