using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;
using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Migration;

public class GuestDirtierTests
{
    private const long MiB = 1 << 20;

    private struct Collect(List<ulong> pages) : IPageSink
    {
        public void Write(ulong page) => pages.Add(page);
    }

    private struct Count : IPageSink
    {
        public long Pages;
        public ulong Max;
        public void Write(ulong page)
        {
            Pages++;
            if (page > Max) Max = page;
        }
    }

    [Fact]
    public void A_second_at_4_MiB_per_second_writes_1024_pages_however_the_second_is_cut()
    {
        var whole = new GuestDirtier(4 * MiB, 64 * MiB, new SeededRandomSource(1));
        Assert.Equal(1024, whole.Advance(TimeSpan.FromSeconds(1)));

        // 3 ms slices carry 3.072 pages each: 333 slices (0.999 s) hold 1022 pages, the 1 ms rest brings the total to 1024.
        var sliced = new GuestDirtier(4 * MiB, 64 * MiB, new SeededRandomSource(1));
        long total = 0;
        for (int i = 0; i < 333; i++) total += sliced.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Equal(1022, total);
        total += sliced.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1024, total);
    }

    [Fact]
    public void Any_cut_of_time_into_slices_writes_exactly_rate_times_time_over_the_page_size()
    {
        var cases =
            from rate in Gen.Choose(0, 1 << 30)
            from slices in Gen.Choose(0, 50_000_000).ListOf()
            select (rate, slices);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var dirtier = new GuestDirtier(c.rate, 1 * MiB, new SeededRandomSource(7));
            long ticks = 0, pages = 0;
            foreach (var s in c.slices)
            {
                ticks += s;
                pages += dirtier.Advance(TimeSpan.FromTicks(s));
                // After every slice, never more than the exact amount and less by under one page.
                Int128 exactTimesDenominator = (Int128)c.rate * ticks;
                Int128 denominator = (Int128)TimeSpan.TicksPerSecond * 4096;
                if (pages != (long)(exactTimesDenominator / denominator)) return false;
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void The_throttle_takes_its_share_of_the_writes_away()
    {
        var dirtier = new GuestDirtier(4 * MiB, 64 * MiB, new SeededRandomSource(1)) { ThrottlePercent = 20 };
        Assert.Equal(819, dirtier.Advance(TimeSpan.FromSeconds(1))); // 819.2, 0.2 carried
        dirtier.ThrottlePercent = 60;
        Assert.Equal(409, dirtier.Advance(TimeSpan.FromSeconds(1))); // 409.6 + 0.2, 0.8 carried
        Assert.Equal(410, dirtier.Advance(TimeSpan.FromSeconds(1))); // 409.6 + 0.8
        Assert.Equal(4 * MiB * 0.4 / 4096, dirtier.PagesPerSecond, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => dirtier.ThrottlePercent = 101);
    }

    [Fact]
    public void Pages_stay_in_the_working_set_and_are_spread_uniformly()
    {
        // 64 pages (the last one partial), 64 Ki writes: a chi-square test with 63 degrees of freedom.
        var dirtier = new GuestDirtier(64 * MiB, 63 * 4096 + 1, new SeededRandomSource(42));
        Assert.Equal(64, dirtier.WorkingSetPages);
        var pages = new List<ulong>();
        var sink = new Collect(pages);
        Assert.Equal(16_384, dirtier.Write(TimeSpan.FromSeconds(1), ref sink));
        pages.Clear();
        dirtier.Write(TimeSpan.FromSeconds(4), ref sink);
        Assert.Equal(65_536, pages.Count);
        Assert.Equal(16_384 + 65_536, dirtier.PagesWritten);
        var counts = new double[64];
        foreach (var p in pages) counts[(int)p]++; // throws if a page were outside the working set
        double expected = pages.Count / 64.0;
        double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chiSquare, 30, 110); // p(chi2_63 > 110) ~ 2e-4, p(< 30) ~ 1e-4
    }

    [Fact]
    public void The_same_seed_writes_the_same_pages_and_another_seed_others()
    {
        static List<ulong> Run(int seed)
        {
            var pages = new List<ulong>();
            var sink = new Collect(pages);
            var dirtier = new GuestDirtier(8 * MiB, 256 * MiB, new SeededRandomSource(seed));
            for (int i = 0; i < 10; i++) dirtier.Write(TimeSpan.FromMilliseconds(7), ref sink);
            return pages;
        }
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Fact]
    public void Draw_fills_the_callers_span_with_what_advance_announced()
    {
        var a = new GuestDirtier(8 * MiB, 1 * MiB, new SeededRandomSource(9));
        var b = new GuestDirtier(8 * MiB, 1 * MiB, new SeededRandomSource(9));
        long due = a.Advance(TimeSpan.FromMilliseconds(100));
        Span<ulong> buffer = stackalloc ulong[(int)due];
        a.Draw(buffer[..100]);
        a.Draw(buffer[100..]);
        var pages = new List<ulong>();
        var sink = new Collect(pages);
        Assert.Equal(due, b.Write(TimeSpan.FromMilliseconds(100), ref sink));
        Assert.Equal(pages, buffer.ToArray());
        Assert.True(buffer.ToArray().All(p => p < 256));
    }

    [Fact]
    public void Writing_marks_the_dirty_log_and_allocates_nothing_per_page()
    {
        var log = new DirtyLog(256 * MiB);
        var dirtier = new GuestDirtier(400 * MiB, 256 * MiB, new SeededRandomSource(5));
        dirtier.Write(TimeSpan.FromMilliseconds(1), log); // warm up (JIT)
        var counter = new Count();
        dirtier.Write(TimeSpan.FromMilliseconds(1), ref counter);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long written = dirtier.Write(TimeSpan.FromSeconds(1), log) + dirtier.Write(TimeSpan.FromSeconds(1), ref counter);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2 * 102_400, written, tolerance: 1);
        Assert.True(counter.Max < 65_536);
        // 102,400 writes over 65,536 pages leave about 65,536 x (1 - e^(-1.5625)) ~ 51,800 distinct pages dirty.
        Assert.InRange(log.DirtyCount(), 51_000, 52_700);

        // The JIT may still recompile the loop (tiering) in one window and allocate for that; an allocation per page
        // would show in every window (hundreds of kilobytes), so the quietest of a few windows must be zero.
        for (int window = 0; window < 5 && allocated != 0; window++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            dirtier.Write(TimeSpan.FromSeconds(1), log);
            dirtier.Write(TimeSpan.FromSeconds(1), ref counter);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_reason()
    {
        var random = new SeededRandomSource(1);
        Assert.Contains("negative", Assert.Throws<ArgumentOutOfRangeException>(() => new GuestDirtier(-1, 4096, random)).Message);
        Assert.Contains("working set", Assert.Throws<ArgumentOutOfRangeException>(() => new GuestDirtier(1, 0, random)).Message);
        Assert.Contains("backwards", Assert.Throws<ArgumentOutOfRangeException>(() => new GuestDirtier(1, 1, random).Advance(TimeSpan.FromTicks(-1))).Message);
    }
}
