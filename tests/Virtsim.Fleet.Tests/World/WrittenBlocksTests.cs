using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.World;

/// <summary>Which writes a blk workload was promised, and what a block may hold after a crash.</summary>
public class WrittenBlocksTests
{
    private const ulong Zero = 999; // the checksum of a block never written

    [Fact]
    public void A_write_through_is_promised_at_completion()
    {
        var w = new WrittenBlocks();
        w.Acknowledge(1, 10, durable: true);
        Assert.Equal(10UL, w.Promised[1]);
        Assert.Equal(BlockCheck.Current, w.Check(1, 10, Zero));
        Assert.Equal(BlockCheck.Lost, w.Check(1, Zero, Zero)); // promised and gone: a lost acknowledged write
    }

    [Fact]
    public void A_newer_write_whose_completion_never_came_may_replace_the_acknowledged_one()
    {
        var w = new WrittenBlocks();
        w.Acknowledge(1, 10, durable: true);
        w.Issue(1, 11); // the device wrote it; its completion (an interrupt) was lost
        Assert.Equal(BlockCheck.Current, w.Check(1, 11, Zero));
        Assert.Equal(BlockCheck.Current, w.Check(1, 10, Zero));
        Assert.Equal(BlockCheck.Lost, w.Check(1, 12, Zero)); // data nobody wrote still is a loss
        Assert.Equal(BlockCheck.Lost, w.Check(1, Zero, Zero));
        w.Acknowledge(1, 11, durable: true);
        Assert.Equal(BlockCheck.Lost, w.Check(1, 10, Zero)); // once acknowledged, the older version is a loss again
    }

    [Fact]
    public void A_cached_write_is_promised_only_by_a_flush_that_succeeded_after_it()
    {
        var w = new WrittenBlocks();
        w.Acknowledge(1, 10, durable: false);
        Assert.Empty(w.Promised);
        Assert.Equal(BlockCheck.UnflushedLost, w.Check(1, Zero, Zero)); // never promised: losing it is allowed
        Assert.Equal(BlockCheck.Lost, w.Check(1, 55, Zero));            // but not data nobody wrote

        int covered = w.FlushSubmitted();
        w.Acknowledge(2, 20, durable: false); // completed after the flush was submitted: not covered
        w.FlushCompleted(covered, durable: true);
        Assert.Equal(10UL, w.Promised[1]);
        Assert.False(w.Promised.ContainsKey(2));
        Assert.Equal(BlockCheck.Lost, w.Check(1, Zero, Zero));
        Assert.Equal(BlockCheck.UnflushedLost, w.Check(2, Zero, Zero));
    }

    [Fact]
    public void After_a_failed_flush_the_writes_it_covered_stay_unpromised_and_older_versions_are_allowed()
    {
        var w = new WrittenBlocks();
        w.Acknowledge(1, 10, durable: false);
        w.FlushCompleted(w.FlushSubmitted(), durable: true); // version 10 is durable
        w.Acknowledge(1, 11, durable: false);
        w.Acknowledge(1, 12, durable: false);
        w.FlushCompleted(w.FlushSubmitted(), durable: false); // the device lost cached writes before this flush
        Assert.Equal(10UL, w.Promised[1]);
        Assert.Equal(1, w.UnpromisedCount);
        Assert.Equal(BlockCheck.Current, w.Check(1, 12, Zero));
        Assert.Equal(BlockCheck.UnflushedLost, w.Check(1, 11, Zero));
        Assert.Equal(BlockCheck.UnflushedLost, w.Check(1, 10, Zero));
        Assert.Equal(BlockCheck.Lost, w.Check(1, Zero, Zero)); // older than the promised version
        // A later flush covers none of them (they may be gone); a new durable write supersedes them.
        w.FlushCompleted(w.FlushSubmitted(), durable: true);
        Assert.Equal(10UL, w.Promised[1]);
        w.Acknowledge(1, 13, durable: true);
        Assert.Equal(0, w.UnpromisedCount);
        Assert.Equal(BlockCheck.Lost, w.Check(1, 12, Zero));
    }
}
