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
}
