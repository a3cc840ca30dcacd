namespace Virtsim.Virtio.Memory;

/// <summary>
/// A region whose 4 KiB pages are allocated on first touch, so a simulated fleet can give every VM
/// gigabytes of guest memory while paying only for the pages its rings and buffers use.
/// </summary>
public sealed class SparseMemoryRegion : IGuestMemoryRegion
{
    /// <summary>Size of one page.</summary>
    public const int PageSize = 4096;
    private const int PageShift = 12;
    // Two-level table: a directory of chunks, each holding PagesPerChunk page references, so an idle
    // 1 GiB guest costs a 512-entry directory rather than a quarter-million page slots.
    private const int PagesPerChunk = 512;

    private readonly byte[]?[]?[] _directory;

    /// <summary>Creates a region of <paramref name="size"/> bytes (a multiple of 4 KiB) at <paramref name="guestAddress"/>.</summary>
    public SparseMemoryRegion(ulong guestAddress, ulong size)
    {
        if (size == 0 || size % PageSize != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "a sparse region is a positive multiple of 4096 bytes");
        ulong pages = size / PageSize;
        ulong chunks = (pages + PagesPerChunk - 1) / PagesPerChunk;
        if (chunks > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(size), size, "region too large");
        GuestAddress = guestAddress;
        Size = size;
        _directory = new byte[]?[]?[chunks];
    }

    /// <inheritdoc />
    public ulong GuestAddress { get; }

    /// <inheritdoc />
    public ulong Size { get; }

    /// <summary>Number of pages that have been touched (and so allocated).</summary>
    public int AllocatedPages { get; private set; }

    /// <summary>Number of 4 KiB pages the region spans.</summary>
    public ulong PageCount => Size / PageSize;

    /// <summary>
    /// Page <paramref name="page"/> (index from the region's start) if it was ever touched, without allocating it; an
    /// untouched page reads as zeros and yields false (live migration copies and compares only touched pages).
    /// </summary>
    public bool TryGetAllocatedPage(ulong page, out Span<byte> bytes)
    {
        bytes = default;
        if (page >= PageCount) return false;
        var chunk = _directory[page / PagesPerChunk];
        var slot = chunk?[page % PagesPerChunk];
        if (slot is null) return false;
        bytes = slot;
        return true;
    }

    /// <summary>The indexes of every page touched so far, ascending (allocates nothing per untouched chunk).</summary>
    public IEnumerable<ulong> AllocatedPageIndexes()
    {
        for (int c = 0; c < _directory.Length; c++)
        {
            var chunk = _directory[c];
            if (chunk is null) continue;
            for (int i = 0; i < chunk.Length; i++)
                if (chunk[i] is not null) yield return (ulong)c * PagesPerChunk + (ulong)i;
        }
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(ulong offset, int maxLength)
    {
        ulong page = offset >> PageShift;
        int inPage = (int)(offset & (PageSize - 1));
        var chunk = _directory[page / PagesPerChunk] ??= new byte[]?[PagesPerChunk];
        ref var slot = ref chunk[page % PagesPerChunk];
        if (slot == null)
        {
            slot = new byte[PageSize];
            AllocatedPages++;
        }
        return slot.AsSpan(inPage, Math.Min(maxLength, PageSize - inPage));
    }

    /// <summary>
    /// Zeroes <paramref name="length"/> bytes from <paramref name="offset"/> without allocating (<see cref="IGuestMemoryRegion.Zero"/>): untouched pages
    /// already read as zeros and stay untouched; touched ones are cleared in place (never dropped, so spans handed
    /// out earlier stay the page's memory). A driver zeroing fresh ring areas then costs nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the region.</exception>
    public void Zero(ulong offset, ulong length)
    {
        if (offset > Size || length > Size - offset)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"[{offset}, +{length}) is not within a region of {Size} bytes");
        while (length > 0)
        {
            ulong page = offset >> PageShift;
            int inPage = (int)(offset & (PageSize - 1));
            int n = (int)Math.Min(length, (ulong)(PageSize - inPage));
            _directory[page / PagesPerChunk]?[page % PagesPerChunk]?.AsSpan(inPage, n).Clear();
            offset += (ulong)n;
            length -= (ulong)n;
        }
    }
}

