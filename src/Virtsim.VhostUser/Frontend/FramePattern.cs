using System.Buffers.Binary;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The verifiable frames the net driver sends: an Ethernet header (locally administered addresses, ethertype
/// 0x88B5), the frame's sequence number (u64 little endian), then bytes derived from the seed and the sequence
/// number. A receiver rebuilds the expected bytes and compares, so any corrupted, truncated or foreign frame is
/// caught. Pure and allocation free.
/// </summary>
public static class FramePattern
{
    /// <summary>Bytes before the pattern: Ethernet header (14) and sequence number (8).</summary>
    public const int HeaderSize = 22;

    /// <summary>The local experimental ethertype the frames carry.</summary>
    public const ushort EtherType = 0x88B5;

    private static ReadOnlySpan<byte> Destination => [0x02, 0x56, 0x53, 0x00, 0x00, 0x01];
    private static ReadOnlySpan<byte> Source => [0x02, 0x56, 0x53, 0x00, 0x00, 0x02];

    /// <summary>Writes frame <paramref name="sequence"/> of the run seeded <paramref name="seed"/> into all of <paramref name="frame"/>.</summary>
    public static void Write(Span<byte> frame, ulong seed, ulong sequence)
    {
        if (frame.Length < HeaderSize) throw new ArgumentException($"a frame is at least {HeaderSize} bytes", nameof(frame));
        Destination.CopyTo(frame);
        Source.CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], EtherType);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[14..], sequence);
        ulong state = Start(seed, sequence);
        for (int i = HeaderSize; i < frame.Length; i++) frame[i] = NextByte(ref state);
    }

    /// <summary>
    /// Checks that <paramref name="frame"/> is a frame of the run seeded <paramref name="seed"/> with the right
    /// length; returns its sequence number, or null when any byte differs.
    /// </summary>
    public static ulong? Verify(ReadOnlySpan<byte> frame, ulong seed, int expectedLength)
    {
        if (frame.Length != expectedLength || frame.Length < HeaderSize) return null;
        if (!frame[..6].SequenceEqual(Destination) || !frame[6..12].SequenceEqual(Source)) return null;
        if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherType) return null;
        ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(frame[14..]);
        ulong state = Start(seed, sequence);
        for (int i = HeaderSize; i < frame.Length; i++)
            if (frame[i] != NextByte(ref state)) return null;
        return sequence;
    }

    private static ulong Start(ulong seed, ulong sequence) => SplitMix.Mix(seed ^ SplitMix.Mix(sequence + 0x5EED));

    private static byte NextByte(ref ulong state)
    {
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        return (byte)(state >> 56);
    }
}
