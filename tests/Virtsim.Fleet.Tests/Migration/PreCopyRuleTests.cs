using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class PreCopyRuleTests
{
    private const double MiB = 1 << 20;
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void At_qemus_defaults_the_threshold_is_38_4_MiB_and_reaching_it_exactly_converges()
    {
        double threshold = PreCopyRule.ThresholdBytes(128 * MiB, Limit);
        Assert.Equal(0.3 * 128 * MiB, threshold, 6);

        var at = PreCopyRule.Decide(threshold, 128 * MiB, Limit, roundsDone: 1, maxRounds: 30);
        Assert.Equal((PreCopyAction.StopAndCopy, PreCopyStopReason.Converged), (at.Action, at.Reason));
        Assert.Equal(TimeSpan.FromMilliseconds(300), at.EstimatedDowntime);
        Assert.Equal(threshold, at.ThresholdBytes);

        var above = PreCopyRule.Decide(threshold + 4096, 128 * MiB, Limit, roundsDone: 1, maxRounds: 30);
        Assert.Equal((PreCopyAction.Continue, PreCopyStopReason.None), (above.Action, above.Reason));
        Assert.False(above.Stops);
    }

    [Fact]
    public void After_max_rounds_it_stops_anyway_and_says_so()
    {
        var last = PreCopyRule.Decide(512 * MiB, 128 * MiB, Limit, roundsDone: 30, maxRounds: 30);
        Assert.Equal((PreCopyAction.StopAndCopy, PreCopyStopReason.MaxRounds), (last.Action, last.Reason));
        Assert.Equal(TimeSpan.FromSeconds(4), last.EstimatedDowntime);
        Assert.Equal(PreCopyAction.Continue, PreCopyRule.Decide(512 * MiB, 128 * MiB, Limit, 29, 30).Action);
        // Convergence wins when both hold: the stop is then within the limit.
        Assert.Equal(PreCopyStopReason.Converged, PreCopyRule.Decide(MiB, 128 * MiB, Limit, 30, 30).Reason);
    }

    [Fact]
    public void A_zero_downtime_limit_converges_only_with_nothing_dirty()
    {
        Assert.Equal(PreCopyStopReason.Converged, PreCopyRule.Decide(0, 128 * MiB, TimeSpan.Zero, 1, 30).Reason);
        Assert.Equal(PreCopyAction.Continue, PreCopyRule.Decide(4096, 128 * MiB, TimeSpan.Zero, 1, 30).Action);
    }

    [Fact]
    public void Hybrid_switches_to_post_copy_after_its_rounds_unless_converged()
    {
        var hybrid = new MigrationSettings { Mode = MigrationMode.Hybrid, PostCopyAfterRounds = 2 };
        Assert.Equal(PreCopyAction.Continue, PreCopyRule.Decide(512 * MiB, 128 * MiB, 1, hybrid).Action);
        var second = PreCopyRule.Decide(512 * MiB, 128 * MiB, 2, hybrid);
        Assert.Equal((PreCopyAction.SwitchToPostCopy, PreCopyStopReason.PostCopySwitch), (second.Action, second.Reason));
        Assert.Equal(PreCopyStopReason.Converged, PreCopyRule.Decide(MiB, 128 * MiB, 2, hybrid).Reason);
        // Pre-copy settings never switch.
        Assert.Equal(PreCopyAction.Continue, PreCopyRule.Decide(512 * MiB, 128 * MiB, 2, new MigrationSettings()).Action);
        Assert.Throws<ArgumentException>(() => PreCopyRule.Decide(MiB, 128 * MiB, 1, new MigrationSettings { Mode = MigrationMode.PostCopy }));
    }

    [Fact]
    public void Nonsense_inputs_are_refused_with_the_reason()
    {
        Assert.Contains("bandwidth", Assert.Throws<ArgumentOutOfRangeException>(() => PreCopyRule.Decide(1, 0, Limit, 1, 30)).Message);
        Assert.Contains("at least round 0", Assert.Throws<ArgumentOutOfRangeException>(() => PreCopyRule.Decide(1, MiB, Limit, 0, 30)).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentOutOfRangeException>(() => PreCopyRule.EstimatedDowntime(-1, MiB)).Message);
    }

    [Fact]
    public void Any_round_stops_exactly_when_the_rule_says_and_the_downtime_is_bytes_over_bandwidth()
    {
        var cases =
            from dirtyPages in Gen.Choose(0, 1_000_000)
            from bandwidthMiB in Gen.Choose(1, 100_000)
            from limitMs in Gen.Choose(0, 5_000)
            from maxRounds in Gen.Choose(1, 50)
            from rounds in Gen.Choose(1, 60)
            select (dirty: dirtyPages * 4096.0, bandwidth: bandwidthMiB * MiB, limit: TimeSpan.FromMilliseconds(limitMs), maxRounds, rounds);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var d = PreCopyRule.Decide(c.dirty, c.bandwidth, c.limit, c.rounds, c.maxRounds);
            bool fits = c.dirty <= c.bandwidth * c.limit.TotalSeconds * (1 + 1e-12);
            bool fitsStrictly = c.dirty <= c.bandwidth * c.limit.TotalSeconds * (1 - 1e-12);
            var expected = fitsStrictly || c.dirty == 0 ? PreCopyStopReason.Converged
                : !fits && c.rounds >= c.maxRounds ? PreCopyStopReason.MaxRounds
                : !fits ? PreCopyStopReason.None
                : d.Reason; // on the threshold to the last bit: either is right
            double downtimeSeconds = c.dirty / c.bandwidth;
            return d.Reason == expected
                && d.Stops == (d.Reason != PreCopyStopReason.None)
                && Math.Abs(d.EstimatedDowntime.TotalSeconds - downtimeSeconds) <= 1e-7
                && (d.Reason != PreCopyStopReason.Converged || d.EstimatedDowntime <= c.limit + TimeSpan.FromTicks(1));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }
}
