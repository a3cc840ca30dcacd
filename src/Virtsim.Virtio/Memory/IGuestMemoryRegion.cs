namespace Virtsim.Virtio.Memory;

/// <summary>
/// One contiguous range of guest-physical addresses backed by host memory.
/// Implementations may hand out memory in pieces (a sparse region stops spans at page boundaries).
/// </summary>
public interface IGuestMemoryRegion
{
    /// <summary>Guest-physical address of the first byte.</summary>
    ulong GuestAddress { get; }

    /// <summary>Size of the region in bytes.</summary>
    ulong Size { get; }

    /// <summary>
    /// The longest directly addressable span that starts at <paramref name="offset"/> (which is below
    /// <see cref="Size"/>) and is at most <paramref name="maxLength"/> bytes long. Never empty.
    /// </summary>
    Span<byte> GetSpan(ulong offset, int maxLength);

    /// <summary>
    /// As <see cref="GetSpan"/>, for a read only: the caller does not write through the span. A region that watches
    /// writes (a dirty-logging view) need not count it; by default the same span.
    /// </summary>
    ReadOnlySpan<byte> GetReadSpan(ulong offset, int maxLength) => GetSpan(offset, maxLength);

    /// <summary>
    /// Zeroes <paramref name="length"/> bytes from <paramref name="offset"/> (the range lies within the region). By
    /// default through <see cref="GetSpan"/>; a region that allocates on first touch zeroes without touching.
    /// </summary>
    void Zero(ulong offset, ulong length)
    {
        while (length > 0)
        {
            var span = GetSpan(offset, (int)Math.Min(length, int.MaxValue));
            span.Clear();
            offset += (ulong)span.Length;
            length -= (ulong)span.Length;
        }
    }
}
