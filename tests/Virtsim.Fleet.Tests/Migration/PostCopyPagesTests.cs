using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Migration;

public class PostCopyPagesTests
{
    private static List<ulong> DrainBackground(PostCopyPages pages)
    {
        var order = new List<ulong>();
        while (pages.TryNextBackground(out var page)) order.Add(page);
        return order;
    }

    [Fact]
    public void The_background_push_goes_from_the_first_page_up_and_ends()
    {
        var pages = new PostCopyPages(130);
        Assert.Equal((130L, 130L, 0L), (pages.Missing, pages.Unsent, pages.InFlight));
        var order = DrainBackground(pages);
        Assert.Equal(Enumerable.Range(0, 130).Select(i => (ulong)i), order);
        Assert.Equal((130L, 0L, 130L, 130L), (pages.Missing, pages.Unsent, pages.InFlight, pages.Pushed));
        Assert.False(pages.Complete);
        foreach (var p in order) Assert.True(pages.MarkArrived(p));
        Assert.True(pages.Complete);
        Assert.False(pages.MarkArrived(3)); // a duplicate
    }

    [Fact]
    public void A_touch_before_arrival_faults_once_then_waits_then_finds_the_page()
    {
        var pages = new PostCopyPages(100);
        Assert.Equal(PostCopyAccess.Fault, pages.Touch(42));
        Assert.Equal(PostCopyAccess.InFlight, pages.Touch(42));
        Assert.True(pages.MarkArrived(42));
        Assert.Equal(PostCopyAccess.Present, pages.Touch(42));
        Assert.Equal((1L, 1L), (pages.Faults, pages.Waits));

        // A page pushed but not landed: waiting, not a fault.
        Assert.True(pages.TryNextBackground(out var first));
        Assert.Equal(0UL, first);
        Assert.Equal(PostCopyAccess.InFlight, pages.Touch(0));
        Assert.Equal(1L, pages.Faults);
        // The push skips the requested page.
        Assert.DoesNotContain(42UL, DrainBackground(pages));
        Assert.Equal(99L, pages.Pushed); // all but page 42
    }

    [Fact]
    public void Without_preempt_qemu_pushes_on_from_the_page_after_a_fault()
    {
        var sequential = new PostCopyPages(1000);
        var follow = new PostCopyPages(1000, PostCopyBackgroundOrder.FollowFaults);
        foreach (var pages in new[] { sequential, follow })
        {
            pages.TryNextBackground(out _);
            pages.TryNextBackground(out _);
            Assert.Equal(PostCopyAccess.Fault, pages.Touch(500));
        }
        Assert.True(sequential.TryNextBackground(out var next));
        Assert.Equal(2UL, next);
        Assert.True(follow.TryNextBackground(out next));
        Assert.Equal(501UL, next);
        // Following the fault, the push wraps around to the pages it skipped.
        var rest = DrainBackground(follow);
        Assert.Equal(Enumerable.Range(502, 498).Concat(Enumerable.Range(2, 498)).Select(i => (ulong)i), rest);
    }

    [Fact]
    public void After_pre_copy_only_the_pages_left_dirty_are_missing()
    {
        var log = new DirtyLog(64 * 4096);
        log.Mark(5 * 4096, 1);
        log.Mark(40 * 4096, 3 * 4096);
        var pages = PostCopyPages.FromDirtyLog(log, 64);
        Assert.Equal(4L, pages.Missing);
        Assert.Equal(4, log.DirtyCount()); // read, not cleared
        Assert.Equal(PostCopyAccess.Present, pages.Touch(6));
        Assert.Equal(PostCopyAccess.Fault, pages.Touch(41));
        Assert.Equal([5UL, 40UL, 42UL], DrainBackground(pages));

        var listed = PostCopyPages.Of(10, [3, 3, 9]);
        Assert.Equal(2L, listed.Missing);
        Assert.Contains("beyond the guest's 10 pages", Assert.Throws<ArgumentOutOfRangeException>(() => PostCopyPages.Of(10, [10])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => listed.Touch(10));
    }

    [Fact]
    public void A_lost_page_goes_back_to_the_push()
    {
        var pages = new PostCopyPages(3);
        DrainBackground(pages);
        Assert.True(pages.MarkLost(1));
        Assert.False(pages.MarkLost(1));
        Assert.Equal(PostCopyAccess.Fault, pages.Touch(1));
        Assert.True(pages.MarkLost(1));
        Assert.Equal([1UL], DrainBackground(pages));
    }

    [Fact]
    public void A_1_GiB_guest_is_pushed_page_by_page_with_two_bits_a_page()
    {
        const ulong count = 262_144;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var pages = new PostCopyPages(count);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 65_536, 66_000);
        ulong expected = 0;
        while (pages.TryNextBackground(out var page))
        {
            Assert.Equal(expected++, page);
            pages.MarkArrived(page);
        }
        Assert.Equal(count, expected);
        Assert.True(pages.Complete);
    }

    private enum Op { Push, Touch, Arrive, Lose }

    [Fact]
    public void Any_sequence_of_pushes_touches_arrivals_and_losses_matches_a_plain_set_model()
    {
        var ops =
            from op in Gen.Elements(Op.Push, Op.Touch, Op.Arrive, Op.Lose)
            from page in Gen.Choose(0, 199)
            select (op, page: (ulong)page);
        var cases =
            from count in Gen.Choose(1, 200)
            from missing in Gen.Choose(0, 199).ListOf()
            from all in Gen.Elements(true, false)
            from follow in Gen.Elements(PostCopyBackgroundOrder.Sequential, PostCopyBackgroundOrder.FollowFaults)
            from list in ops.ListOf()
            select (count: (ulong)count, missing, all, follow, list);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var pages = c.all ? new PostCopyPages(c.count, c.follow) : PostCopyPages.Of(c.count, c.missing.Select(m => (ulong)m % c.count), c.follow);
            var missingSet = c.all ? Enumerable.Range(0, (int)c.count).Select(i => (ulong)i).ToHashSet() : c.missing.Select(m => (ulong)m % c.count).ToHashSet();
            var flying = new HashSet<ulong>();
            ulong cursor = 0;
            long faults = 0, waits = 0;
            foreach (var (op, raw) in c.list)
            {
                ulong page = raw % c.count;
                switch (op)
                {
                    case Op.Push:
                        var unsent = missingSet.Except(flying).ToList();
                        bool any = pages.TryNextBackground(out var pushed);
                        if (any != (unsent.Count > 0)) return false;
                        if (!any) break;
                        ulong from = cursor >= c.count ? 0 : cursor;
                        var expected = unsent.Where(p => p >= from).DefaultIfEmpty(ulong.MaxValue).Min();
                        if (expected == ulong.MaxValue) expected = unsent.Min();
                        if (pushed != expected) return false;
                        flying.Add(pushed);
                        cursor = pushed + 1;
                        break;
                    case Op.Touch:
                        var access = pages.Touch(page);
                        var want = !missingSet.Contains(page) ? PostCopyAccess.Present : flying.Contains(page) ? PostCopyAccess.InFlight : PostCopyAccess.Fault;
                        if (access != want) return false;
                        if (want == PostCopyAccess.Fault)
                        {
                            faults++;
                            flying.Add(page);
                            if (c.follow == PostCopyBackgroundOrder.FollowFaults) cursor = page + 1;
                        }
                        if (want == PostCopyAccess.InFlight) waits++;
                        break;
                    case Op.Arrive:
                        if (pages.MarkArrived(page) != missingSet.Remove(page)) return false;
                        flying.Remove(page);
                        break;
                    case Op.Lose:
                        if (pages.MarkLost(page) != (missingSet.Contains(page) && flying.Remove(page))) return false;
                        break;
                }
                if (pages.Missing != missingSet.Count || pages.InFlight != flying.Count || pages.Faults != faults || pages.Waits != waits) return false;
            }
            return Enumerable.Range(0, (int)c.count).All(p => pages.IsMissing((ulong)p) == missingSet.Contains((ulong)p));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
