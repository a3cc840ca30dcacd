using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// A guest's memory writes, the dirtying model: <c>dirty-rate</c> bytes per second as 4 KiB page writes,
/// each page chosen uniformly at random among the first <c>working-set</c> bytes of memory. Pure: time comes in as
/// slices the caller chooses, randomness from an <see cref="IRandomSource"/> (the seeded one under simulation), so the
/// same seed and slices give the same pages.
/// </summary>
/// <remarks>
/// The pages due in a slice are <c>rate x (1 - throttle) x slice / page size</c>; the fraction of a page left over is
/// carried, exactly (integer arithmetic in ticks), into the next slice, so however the time is cut the pages written
/// after time T are <c>floor(rate x T / 4096)</c> (at a constant throttle). Writing allocates nothing per page: pages
/// go to a struct <see cref="IPageSink"/> or into the caller's span. Not thread-safe: one per VM.
/// </remarks>
public sealed class GuestDirtier
{
    /// <summary>The page size: the dirty log's, 4 KiB.</summary>
    public const int PageSize = DirtyLog.PageSize;

    // Pages due = carry / Denominator, where each slice adds rate x (100 - throttle) x ticks to the carry.
    private static readonly Int128 Denominator = (Int128)100 * TimeSpan.TicksPerSecond * PageSize;

    private readonly IRandomSource _random;
    private Int128 _carry;
    private int _throttlePercent;

    /// <summary>
    /// A guest writing <paramref name="dirtyRateBytesPerSecond"/> over its first <paramref name="workingSetBytes"/>
    /// (rounded up to whole pages), drawing pages from <paramref name="random"/>.
    /// </summary>
    public GuestDirtier(long dirtyRateBytesPerSecond, long workingSetBytes, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (dirtyRateBytesPerSecond < 0)
            throw new ArgumentOutOfRangeException(nameof(dirtyRateBytesPerSecond), dirtyRateBytesPerSecond, "the dirty rate must not be negative");
        if (workingSetBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(workingSetBytes), workingSetBytes, "the working set must hold at least one byte");
        _random = random;
        DirtyRate = dirtyRateBytesPerSecond;
        WorkingSetBytes = workingSetBytes;
        WorkingSetPages = (workingSetBytes + PageSize - 1) / PageSize;
    }

    /// <summary>The unthrottled dirty rate, bytes per second.</summary>
    public long DirtyRate { get; }

    /// <summary>The working set in bytes, as given.</summary>
    public long WorkingSetBytes { get; }

    /// <summary>Pages in the working set: pages 0 to this minus one are written.</summary>
    public long WorkingSetPages { get; }

    /// <summary>Page writes so far (every write, a page written twice counts twice).</summary>
    public long PagesWritten { get; private set; }

    /// <summary>The auto-converge throttle, percent of the guest's time taken away (0 to 100); applies to later slices.</summary>
    public int ThrottlePercent
    {
        get => _throttlePercent;
        set => _throttlePercent = value is >= 0 and <= 100 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "a throttle is a percentage from 0 to 100");
    }

    /// <summary>Page writes per second now (the throttle applied; fractional).</summary>
    public double PagesPerSecond => AutoConverge.EffectiveRate(DirtyRate, _throttlePercent) / PageSize;

    /// <summary>
    /// Lets <paramref name="slice"/> of time pass and returns the page writes it brings (the carried fraction
    /// included); the caller then draws that many with <see cref="Draw"/>, in as many spans as it likes.
    /// </summary>
    public long Advance(TimeSpan slice)
    {
        if (slice < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(slice), slice, "time must not go backwards");
        _carry += (Int128)DirtyRate * (100 - _throttlePercent) * slice.Ticks;
        var due = (long)(_carry / Denominator);
        _carry -= due * Denominator;
        return due;
    }

    /// <summary>Fills <paramref name="pages"/> with page numbers drawn uniformly from the working set (one write each).</summary>
    public void Draw(Span<ulong> pages)
    {
        for (int i = 0; i < pages.Length; i++)
            pages[i] = (ulong)_random.NextInt64(WorkingSetPages);
        PagesWritten += pages.Length;
    }

    /// <summary>Lets <paramref name="slice"/> pass and hands each page written in it to <paramref name="sink"/>; returns how many.</summary>
    public long Write<TSink>(TimeSpan slice, ref TSink sink) where TSink : struct, IPageSink
    {
        long due = Advance(slice);
        for (long i = 0; i < due; i++)
            sink.Write((ulong)_random.NextInt64(WorkingSetPages));
        PagesWritten += due;
        return due;
    }

    /// <summary>Lets <paramref name="slice"/> pass and marks each page written in it in <paramref name="log"/>; returns how many.</summary>
    public long Write(TimeSpan slice, DirtyLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var sink = new DirtyLogSink(log);
        return Write(slice, ref sink);
    }
}
