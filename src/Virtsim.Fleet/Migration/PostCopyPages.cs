using System.Numerics;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// Post-copy's page accounting, pure: which pages the destination still lacks, which are on their way, the order of
/// the source's background push, and the faults: a page the guest touches before it arrived costs a round trip
/// (<see cref="PostCopyAccess.Fault"/>), once; touching it again while it travels only waits
/// (<see cref="PostCopyAccess.InFlight"/>). The owner calls <see cref="TryNextBackground"/> as its bandwidth allows,
/// <see cref="Touch"/> for each guest access at the destination, and <see cref="MarkArrived"/> when a page's bytes
/// land, whether pushed or requested.
/// </summary>
/// <remarks>
/// Two bits per page (missing, in flight): 64 KiB for a 1 GiB guest. Not thread-safe: one per migration.
/// </remarks>
public sealed class PostCopyPages
{
    private readonly ulong[] _missing;
    private readonly ulong[] _inFlight;
    private ulong _cursor;

    /// <summary>Post-copy of <paramref name="pageCount"/> pages, none at the destination yet (post-copy from the start).</summary>
    public PostCopyPages(ulong pageCount, PostCopyBackgroundOrder order = PostCopyBackgroundOrder.Sequential)
        : this(pageCount, order, allMissing: true)
    {
    }

    private PostCopyPages(ulong pageCount, PostCopyBackgroundOrder order, bool allMissing)
    {
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "unknown background order");
        PageCount = pageCount;
        Order = order;
        _missing = new ulong[(pageCount + 63) / 64];
        _inFlight = new ulong[_missing.Length];
        if (!allMissing) return;
        Array.Fill(_missing, ulong.MaxValue);
        ulong tail = pageCount % 64;
        if (tail != 0) _missing[^1] = (1UL << (int)tail) - 1;
        Missing = (long)pageCount;
        Unsent = Missing;
    }

    /// <summary>
    /// Post-copy after pre-copy rounds (hybrid): the destination lacks exactly the pages <paramref name="log"/> holds
    /// dirty (the log is read, not cleared), of the first <paramref name="pageCount"/> (the guest's memory).
    /// </summary>
    public static PostCopyPages FromDirtyLog(DirtyLog log, ulong pageCount, PostCopyBackgroundOrder order = PostCopyBackgroundOrder.Sequential)
    {
        ArgumentNullException.ThrowIfNull(log);
        var pages = new PostCopyPages(pageCount, order, allMissing: false);
        var bitmap = log.Bitmap;
        for (ulong page = 0; page < pageCount && page < log.PageCount; page++)
            if ((bitmap[(int)(page >> 3)] & (1 << (int)(page & 7))) != 0)
                pages.SetMissing(page);
        return pages;
    }

    /// <summary>
    /// Post-copy where the destination lacks exactly <paramref name="missingPages"/> (each below <paramref name="pageCount"/>;
    /// repeats count once).
    /// </summary>
    public static PostCopyPages Of(ulong pageCount, IEnumerable<ulong> missingPages, PostCopyBackgroundOrder order = PostCopyBackgroundOrder.Sequential)
    {
        ArgumentNullException.ThrowIfNull(missingPages);
        var pages = new PostCopyPages(pageCount, order, allMissing: false);
        foreach (ulong page in missingPages)
        {
            pages.Check(page);
            pages.SetMissing(page);
        }
        return pages;
    }

    /// <summary>Pages of the guest's memory.</summary>
    public ulong PageCount { get; }

    /// <summary>The background push's order.</summary>
    public PostCopyBackgroundOrder Order { get; }

    /// <summary>Pages not yet at the destination (in flight included).</summary>
    public long Missing { get; private set; }

    /// <summary>Missing pages neither pushed nor requested yet: what the background push still has to send.</summary>
    public long Unsent { get; private set; }

    /// <summary>Missing pages on their way (pushed or requested).</summary>
    public long InFlight => Missing - Unsent;

    /// <summary>Touches that found their page missing and requested it: each a round trip (the report's <c>postCopyFaults</c>).</summary>
    public long Faults { get; private set; }

    /// <summary>Touches that found their page already on its way and waited for it.</summary>
    public long Waits { get; private set; }

    /// <summary>Pages the background push sent.</summary>
    public long Pushed { get; private set; }

    /// <summary>True once every page is at the destination: post-copy is over.</summary>
    public bool Complete => Missing == 0;

    /// <summary>True when <paramref name="page"/> is not at the destination yet.</summary>
    public bool IsMissing(ulong page)
    {
        Check(page);
        return Test(_missing, page);
    }

    /// <summary>
    /// The next page the background push sends (the lowest unsent page from where the push stands, wrapping around),
    /// now counted in flight; false when nothing is left unsent.
    /// </summary>
    public bool TryNextBackground(out ulong page)
    {
        page = 0;
        if (Unsent == 0) return false;
        if (_cursor >= PageCount) _cursor = 0;
        if (!TryFindUnsent(_cursor, (ulong)_missing.Length * 64, out page) && !TryFindUnsent(0, _cursor, out page))
            throw new InvalidOperationException($"{Unsent} pages counted unsent but none found"); // the counts are kept with the bits
        Set(_inFlight, page);
        Unsent--;
        Pushed++;
        _cursor = page + 1;
        return true;
    }

    /// <summary>A guest access to <paramref name="page"/> at the destination: present, a fault (the page is now requested), or a wait for a page on its way.</summary>
    public PostCopyAccess Touch(ulong page)
    {
        Check(page);
        if (!Test(_missing, page)) return PostCopyAccess.Present;
        if (Test(_inFlight, page))
        {
            Waits++;
            return PostCopyAccess.InFlight;
        }
        Set(_inFlight, page);
        Unsent--;
        Faults++;
        if (Order == PostCopyBackgroundOrder.FollowFaults) _cursor = page + 1;
        return PostCopyAccess.Fault;
    }

    /// <summary>The bytes of <paramref name="page"/> landed at the destination; false when it was already there (a duplicate).</summary>
    public bool MarkArrived(ulong page)
    {
        Check(page);
        if (!Test(_missing, page)) return false;
        if (!Test(_inFlight, page)) Unsent--;
        Clear(_missing, page);
        Clear(_inFlight, page);
        Missing--;
        return true;
    }

    /// <summary>A page on its way was lost (a link failed): it is unsent again, for the push or a later fault.</summary>
    public bool MarkLost(ulong page)
    {
        Check(page);
        if (!Test(_missing, page) || !Test(_inFlight, page)) return false;
        Clear(_inFlight, page);
        Unsent++;
        return true;
    }

    private bool TryFindUnsent(ulong from, ulong to, out ulong page)
    {
        for (ulong start = from; start < to; start = (start | 63) + 1)
        {
            ulong word = start >> 6;
            ulong bits = _missing[word] & ~_inFlight[word] & (ulong.MaxValue << (int)(start & 63));
            if (bits != 0)
            {
                page = (word << 6) + (ulong)BitOperations.TrailingZeroCount(bits);
                if (page < to) return true;
                break;
            }
        }
        page = 0;
        return false;
    }

    private void SetMissing(ulong page)
    {
        if (Test(_missing, page)) return;
        Set(_missing, page);
        Missing++;
        Unsent++;
    }

    private void Check(ulong page)
    {
        if (page >= PageCount) throw new ArgumentOutOfRangeException(nameof(page), page, $"page {page} is beyond the guest's {PageCount} pages");
    }

    private static bool Test(ulong[] bits, ulong page) => (bits[page >> 6] & (1UL << (int)(page & 63))) != 0;
    private static void Set(ulong[] bits, ulong page) => bits[page >> 6] |= 1UL << (int)(page & 63);
    private static void Clear(ulong[] bits, ulong page) => bits[page >> 6] &= ~(1UL << (int)(page & 63));
}
