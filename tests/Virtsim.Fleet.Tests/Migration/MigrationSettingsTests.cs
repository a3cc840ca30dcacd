using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class MigrationSettingsTests
{
    [Fact]
    public void Defaults_are_qemus()
    {
        var s = new MigrationSettings();
        Assert.Equal(MigrationMode.PreCopy, s.Mode);
        Assert.Equal(128L * 1024 * 1024, s.Bandwidth);
        Assert.Equal(TimeSpan.FromMilliseconds(300), s.DowntimeLimit);
        Assert.False(s.AutoConverge);
        Assert.Equal(20, s.ThrottleInitialPercent);
        Assert.Equal(10, s.ThrottleIncrementPercent);
        Assert.Equal(99, s.MaxThrottlePercent);
        Assert.Equal(50, s.ThrottleTriggerThresholdPercent);
        Assert.Equal(30, s.MaxRounds);
        Assert.Equal(1, s.PostCopyAfterRounds);
        Assert.Empty(s.Validate());
    }

    [Theory]
    [InlineData("bandwidth", "bandwidth must be positive")]
    [InlineData("downtime", "downtime-limit must not be negative")]
    [InlineData("downtime-huge", "downtime-limit must be at most 2000 s")]
    [InlineData("rounds", "max-rounds must be at least 1")]
    [InlineData("initial", "cpu-throttle-initial must be between 1 and 99")]
    [InlineData("increment", "cpu-throttle-increment must be between 1 and 99")]
    [InlineData("max-throttle", "max-cpu-throttle must be between 1 and 99")]
    [InlineData("threshold", "throttle-trigger-threshold must be between 1 and 100")]
    [InlineData("hybrid-zero", "for no pre-copy round use mode post-copy")]
    [InlineData("hybrid-over", "postcopy-after-rounds must be between 1 and max-rounds (30)")]
    [InlineData("mode", "is not one of pre-copy, post-copy, hybrid")]
    public void Each_bad_value_gives_one_reason_naming_it(string what, string expected)
    {
        var s = new MigrationSettings();
        s = what switch
        {
            "bandwidth" => s with { Bandwidth = 0 },
            "downtime" => s with { DowntimeLimit = TimeSpan.FromMilliseconds(-1) },
            "downtime-huge" => s with { DowntimeLimit = TimeSpan.FromSeconds(2001) },
            "rounds" => s with { MaxRounds = 0, Mode = MigrationMode.PreCopy },
            "initial" => s with { ThrottleInitialPercent = 100 },
            "increment" => s with { ThrottleIncrementPercent = 0 },
            "max-throttle" => s with { MaxThrottlePercent = 100 },
            "threshold" => s with { ThrottleTriggerThresholdPercent = 101 },
            "hybrid-zero" => s with { Mode = MigrationMode.Hybrid, PostCopyAfterRounds = 0 },
            "hybrid-over" => s with { Mode = MigrationMode.Hybrid, PostCopyAfterRounds = 31 },
            "mode" => s with { Mode = (MigrationMode)7 },
            _ => throw new ArgumentException(what),
        };
        var reason = Assert.Single(s.Validate());
        Assert.Contains(expected, reason);
        var error = Assert.Throws<ArgumentException>(s.EnsureValid);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Postcopy_after_rounds_only_matters_in_hybrid_mode()
    {
        Assert.Empty((new MigrationSettings { PostCopyAfterRounds = 0 }).Validate());
        Assert.Empty((new MigrationSettings { Mode = MigrationMode.PostCopy, PostCopyAfterRounds = 99 }).Validate());
    }

    [Fact]
    public void Any_settings_are_valid_exactly_when_every_value_is_in_range()
    {
        var cases =
            from bandwidth in Gen.Choose(-2, 4)
            from downtimeMs in Gen.Elements(-5, 0, 1, 300, 2_000_000, 2_000_001)
            from rounds in Gen.Choose(-1, 40)
            from initial in Gen.Choose(-1, 101)
            from increment in Gen.Choose(-1, 101)
            from max in Gen.Choose(-1, 101)
            from threshold in Gen.Choose(-1, 102)
            from mode in Gen.Elements(MigrationMode.PreCopy, MigrationMode.PostCopy, MigrationMode.Hybrid)
            from after in Gen.Choose(-1, 42)
            select new MigrationSettings
            {
                Bandwidth = bandwidth * (1L << 20), DowntimeLimit = TimeSpan.FromMilliseconds(downtimeMs), MaxRounds = rounds,
                ThrottleInitialPercent = initial, ThrottleIncrementPercent = increment, MaxThrottlePercent = max,
                ThrottleTriggerThresholdPercent = threshold, Mode = mode, PostCopyAfterRounds = after,
            };
        Prop.ForAll(cases.ToArbitrary(), s =>
        {
            int expectedReasons =
                (s.Bandwidth > 0 ? 0 : 1)
                + (s.DowntimeLimit >= TimeSpan.Zero && s.DowntimeLimit <= TimeSpan.FromSeconds(2000) ? 0 : 1)
                + (s.MaxRounds >= 1 ? 0 : 1)
                + (s.ThrottleInitialPercent is >= 1 and <= 99 ? 0 : 1)
                + (s.ThrottleIncrementPercent is >= 1 and <= 99 ? 0 : 1)
                + (s.MaxThrottlePercent is >= 1 and <= 99 ? 0 : 1)
                + (s.ThrottleTriggerThresholdPercent is >= 1 and <= 100 ? 0 : 1)
                + (s.Mode != MigrationMode.Hybrid || (s.PostCopyAfterRounds >= 1 && s.PostCopyAfterRounds <= s.MaxRounds) ? 0 : 1);
            return s.Validate().Count == expectedReasons;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
