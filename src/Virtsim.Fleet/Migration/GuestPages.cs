using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// Guest memory as live migration moves it, page by page between a source and a destination region (pure, no time):
/// copy every touched page, copy chosen pages, and compare the two (checksums at the switchover). Only touched pages
/// exist in a sparse region; an untouched page reads as zeros on either side, so a 1 GiB guest that touched 20 MiB
/// costs 20 MiB to copy and compare.
/// </summary>
public static class GuestPages
{
    /// <summary>The page size (the dirty log's).</summary>
    public const int PageSize = DirtyLog.PageSize;

    /// <summary>
    /// Makes <paramref name="to"/> equal <paramref name="from"/> (round 0 of pre-copy, or post-copy's contents): every
    /// touched page copied, every page touched only at the destination zeroed. Returns the pages copied.
    /// </summary>
    public static long CopyAll(SparseMemoryRegion from, SparseMemoryRegion to)
    {
        Check(from, to);
        long copied = 0;
        foreach (ulong page in from.AllocatedPageIndexes())
        {
            Copy(from, to, page);
            copied++;
        }
        foreach (ulong page in to.AllocatedPageIndexes().ToList())
            if (!from.TryGetAllocatedPage(page, out _) && to.TryGetAllocatedPage(page, out var stale)) stale.Clear();
        return copied;
    }

    /// <summary>Copies <paramref name="pages"/> (page indexes) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void Copy(SparseMemoryRegion from, SparseMemoryRegion to, IEnumerable<ulong> pages)
    {
        Check(from, to);
        ArgumentNullException.ThrowIfNull(pages);
        foreach (ulong page in pages) Copy(from, to, page);
    }

    /// <summary>Copies page <paramref name="page"/>; an untouched source page becomes zeros (allocating nothing when both are untouched).</summary>
    public static void Copy(SparseMemoryRegion from, SparseMemoryRegion to, ulong page)
    {
        if (from.TryGetAllocatedPage(page, out var source)) source.CopyTo(to.GetSpan(page * PageSize, PageSize));
        else if (to.TryGetAllocatedPage(page, out var target)) target.Clear();
    }

    /// <summary>
    /// The pages whose contents differ between the two regions (an untouched page counts as zeros), ascending: empty
    /// when the destination holds exactly the source's memory.
    /// </summary>
    public static List<ulong> Differences(SparseMemoryRegion from, SparseMemoryRegion to)
    {
        Check(from, to);
        var differing = new List<ulong>();
        foreach (ulong page in from.AllocatedPageIndexes())
        {
            from.TryGetAllocatedPage(page, out var a);
            bool same = to.TryGetAllocatedPage(page, out var b) ? a.SequenceEqual(b) : !a.ContainsAnyExcept((byte)0);
            if (!same) differing.Add(page);
        }
        foreach (ulong page in to.AllocatedPageIndexes())
        {
            if (from.TryGetAllocatedPage(page, out _)) continue;
            to.TryGetAllocatedPage(page, out var b);
            if (b.ContainsAnyExcept((byte)0)) differing.Add(page);
        }
        differing.Sort();
        return differing;
    }

    private static void Check(SparseMemoryRegion from, SparseMemoryRegion to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Size != to.Size) throw new ArgumentException($"regions differ in size: {from.Size} and {to.Size} bytes", nameof(to));
    }
}
