using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Frontend;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>The frame and disk patterns verify what they wrote and catch every single-byte change.</summary>
public sealed class PatternTests
{
    [Fact]
    public void A_frame_verifies_and_yields_its_sequence_number()
    {
        var frame = new byte[256];
        FramePattern.Write(frame, seed: 42, sequence: 1234);
        Assert.Equal(1234UL, FramePattern.Verify(frame, 42, 256));
        Assert.Null(FramePattern.Verify(frame, 43, 256)); // another seed
        Assert.Null(FramePattern.Verify(frame.AsSpan(0, 255), 42, 256)); // truncated
        Assert.Null(FramePattern.Verify(frame, 42, 255)); // not the size sent
    }

    [Fact]
    public void Frames_of_different_sequence_numbers_differ_in_their_payload()
    {
        var a = new byte[128];
        var b = new byte[128];
        FramePattern.Write(a, 1, 0);
        FramePattern.Write(b, 1, 1);
        Assert.False(a.AsSpan(FramePattern.HeaderSize).SequenceEqual(b.AsSpan(FramePattern.HeaderSize)));
    }

    [Fact]
    public void Any_single_byte_change_in_a_frame_is_caught() =>
        // With pattern bytes after the sequence number, a changed sequence number no longer matches the payload.
        Prop.ForAll(Gen.Choose(FramePattern.HeaderSize + 8, 1514).ToArbitrary(), ArbMap.Default.ArbFor<ulong>(), ArbMap.Default.ArbFor<int>(),
            (size, seed, where) =>
            {
                byte flip = (byte)(1 + (uint)where / 7 % 255);
                var frame = new byte[size];
                FramePattern.Write(frame, seed, (uint)where);
                frame[(int)((uint)where % (uint)size)] ^= flip;
                return FramePattern.Verify(frame, seed, size) == null;
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_disk_pattern_depends_on_the_offset_and_catches_any_changed_byte() =>
        Prop.ForAll(Gen.Choose(1, 64).ToArbitrary(), ArbMap.Default.ArbFor<ulong>(), ArbMap.Default.ArbFor<int>(),
            (words, seed, where) =>
            {
                var data = new byte[words * 8];
                ulong offset = seed % (1UL << 30) * 8;
                DiskPattern.Fill(data, seed, offset);
                if (DiskPattern.FirstMismatch(data, seed, offset) != -1) return false;
                if (DiskPattern.FirstMismatch(data, seed, offset + 8) == -1) return false; // the same bytes elsewhere do not match
                int at = (int)((uint)where % (uint)data.Length);
                data[at] ^= 0x5A;
                return DiskPattern.FirstMismatch(data, seed, offset) == at;
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void Unaligned_disk_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DiskPattern.Fill(new byte[12], 1, 0));
        Assert.Throws<ArgumentException>(() => DiskPattern.Fill(new byte[16], 1, 4));
    }
}
