using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class AutoConvergeTests
{
    private static readonly TimeSpan TwoSeconds = TimeSpan.FromSeconds(2);

    [Fact]
    public void Every_second_high_period_steps_the_throttle_20_30_and_so_on_up_to_99()
    {
        var ac = new AutoConverge();
        var seen = new List<int>();
        for (int period = 0; period < 40; period++)
        {
            bool raised = ac.OnSync(TwoSeconds, bytesDirtied: 600, bytesSent: 1000);
            Assert.Equal(period % 2 == 1, raised);
            if (raised) seen.Add(ac.ThrottlePercent);
        }
        Assert.Equal([20, 30, 40, 50, 60, 70, 80, 90, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99], seen);
        Assert.Equal(20, ac.Steps);
    }

    [Fact]
    public void Dirtying_at_most_half_of_what_was_sent_never_throttles()
    {
        var ac = new AutoConverge();
        for (int i = 0; i < 10; i++) Assert.False(ac.OnSync(TwoSeconds, bytesDirtied: 500, bytesSent: 1000));
        Assert.Equal(0, ac.ThrottlePercent);
        Assert.False(ac.Active);
    }

    [Fact]
    public void A_low_period_between_two_high_ones_does_not_reset_the_count_as_in_qemu()
    {
        var ac = new AutoConverge();
        Assert.False(ac.OnSync(TwoSeconds, 900, 1000));
        Assert.Equal(1, ac.HighPeriods);
        Assert.False(ac.OnSync(TwoSeconds, 100, 1000));
        Assert.Equal(1, ac.HighPeriods);
        Assert.True(ac.OnSync(TwoSeconds, 900, 1000));
        Assert.Equal(20, ac.ThrottlePercent);
        Assert.Equal(0, ac.HighPeriods);
    }

    [Fact]
    public void Syncs_add_up_into_a_period_judged_only_once_it_exceeds_one_second()
    {
        var ac = new AutoConverge();
        // 1.0 s exactly is not yet "more than 1000 ms".
        Assert.False(ac.OnSync(TimeSpan.FromMilliseconds(600), 900, 1000));
        Assert.False(ac.OnSync(TimeSpan.FromMilliseconds(400), 900, 1000));
        Assert.Equal(0, ac.HighPeriods);
        // The period now spans 1.3 s: 1900 + 0 dirtied against 2000 + 2000 sent is 47.5%, not high.
        Assert.False(ac.OnSync(TimeSpan.FromMilliseconds(300), 0, 2000));
        Assert.Equal(0, ac.HighPeriods);
        Assert.False(ac.OnSync(TimeSpan.FromMilliseconds(1100), 501, 1000));
        Assert.Equal(1, ac.HighPeriods);
    }

    [Fact]
    public void The_trigger_threshold_and_steps_follow_the_settings()
    {
        var ac = AutoConverge.For(new MigrationSettings { ThrottleInitialPercent = 50, ThrottleIncrementPercent = 30, MaxThrottlePercent = 90, ThrottleTriggerThresholdPercent = 80 });
        Assert.False(ac.OnSync(TwoSeconds, 800, 1000));
        Assert.False(ac.OnSync(TwoSeconds, 800, 1000));
        Assert.Equal(0, ac.HighPeriods);
        ac.OnSync(TwoSeconds, 801, 1000);
        ac.OnSync(TwoSeconds, 801, 1000);
        Assert.Equal(50, ac.ThrottlePercent);
        ac.OnSync(TwoSeconds, 801, 1000);
        ac.OnSync(TwoSeconds, 801, 1000);
        Assert.Equal(80, ac.ThrottlePercent);
        ac.OnSync(TwoSeconds, 801, 1000);
        ac.OnSync(TwoSeconds, 801, 1000);
        Assert.Equal(90, ac.ThrottlePercent);
        Assert.Throws<ArgumentException>(() => new AutoConverge(initialPercent: 0));
    }

    [Fact]
    public void The_effective_dirty_rate_is_the_rate_times_what_the_throttle_leaves()
    {
        Assert.Equal(80.0, AutoConverge.EffectiveRate(100, 20));
        Assert.Equal(1.0, AutoConverge.EffectiveRate(100, 99), 12);
        Assert.Equal(100.0, new AutoConverge().EffectiveRate(100));
    }

    [Fact]
    public void Any_sequence_of_syncs_keeps_the_throttle_stepping_up_within_its_bounds()
    {
        var sync =
            from ms in Gen.Choose(0, 3000)
            from d in Gen.Choose(0, 2000)
            from s in Gen.Choose(1, 2000)
            select (ms, d, s);
        var syncs = sync.ListOf();
        var cases =
            from list in syncs
            from initial in Gen.Choose(1, 99)
            from increment in Gen.Choose(1, 99)
            from max in Gen.Choose(1, 99)
            select (list, initial, increment, max);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ac = new AutoConverge(c.initial, c.increment, c.max);
            int previous = 0, highPeriods = 0;
            TimeSpan period = TimeSpan.Zero;
            double dirtied = 0, sent = 0;
            foreach (var (ms, d, s) in c.list)
            {
                period += TimeSpan.FromMilliseconds(ms);
                dirtied += d;
                sent += s;
                int stepsBefore = ac.Steps;
                bool raised = ac.OnSync(TimeSpan.FromMilliseconds(ms), d, s);
                if (period > TimeSpan.FromSeconds(1))
                {
                    if (dirtied > sent / 2) highPeriods++;
                    (period, dirtied, sent) = (TimeSpan.Zero, 0, 0);
                }
                int now = ac.ThrottlePercent;
                bool ok = now >= previous && now <= c.max
                    && (now == 0 || now >= Math.Min(c.initial, c.max))
                    && raised == (ac.Steps == stepsBefore + 1)
                    && ac.Steps == highPeriods / 2
                    && (!raised || now == (previous == 0 ? Math.Min(c.initial, c.max) : Math.Min(previous + c.increment, c.max)));
                if (!ok) return false;
                previous = now;
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
