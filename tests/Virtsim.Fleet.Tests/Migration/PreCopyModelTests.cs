using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Tests.Migration;

public class PreCopyModelTests
{
    private const long MiB = 1 << 20;
    private const long GiB = 1 << 30;

    [Fact]
    public void Distinct_pages_follow_the_occupancy_formula()
    {
        Assert.Equal(0, PreCopyModel.DistinctPages(1000, 0));
        Assert.Equal(1, PreCopyModel.DistinctPages(1, 5), 12);
        Assert.Equal(1000 * (1 - Math.Pow(0.999, 1000)), PreCopyModel.DistinctPages(1000, 1000), 9);
        Assert.Equal(3 * (1 - Math.Pow(2.0 / 3, 2.5)), PreCopyModel.DistinctPages(3, 2.5), 12);
        // Few writes over a huge set: 3 writes over 1e9 pages leave 3 - 3/W + 1/W^2 distinct, to the last digits.
        Assert.Equal(3 - 3e-9, PreCopyModel.DistinctPages(1e9, 3), tolerance: 2e-15);
        Assert.Equal(2 - 1e-12, PreCopyModel.DistinctPages(1e12, 2), tolerance: 2e-15);
        Assert.Equal(1e6, PreCopyModel.DistinctPages(1e6, 1e9), 6);
    }

    [Fact]
    public void Distinct_pages_never_exceed_the_writes_nor_the_working_set_and_grow_with_the_writes()
    {
        var cases =
            from w in Gen.Choose(1, 1_000_000)
            from n in Gen.Choose(0, 5_000_000)
            from more in Gen.Choose(0, 1_000_000)
            select (w: (double)w, n: (double)n, more: (double)more);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            double d = PreCopyModel.DistinctPages(c.w, c.n);
            return d >= 0 && d <= Math.Min(c.n, c.w) * (1 + 1e-12) && PreCopyModel.DistinctPages(c.w, c.n + c.more) >= d;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void An_idle_guest_moves_in_one_round_with_no_downtime()
    {
        var r = PreCopyModel.Run(new GuestWorkload(1 * GiB, 1 * GiB, 0), new MigrationSettings());
        Assert.Equal((1, PreCopyStopReason.Converged), (r.Rounds, r.StopReason));
        Assert.Equal(262_144, r.PagesSent);
        Assert.Equal(0, r.PagesResent);
        Assert.Equal(TimeSpan.Zero, r.Downtime);
        Assert.Equal(TimeSpan.FromSeconds(8), r.TotalTime);
    }

    [Fact]
    public void Two_rounds_computed_by_hand()
    {
        // 1 GiB at 128 MiB/s: round 0 takes 8 s, in which 8 MiB/s writes 16,384 pages over a 16,384-page working set:
        // 16384 (1 - (1 - 1/16384)^16384) ~ 10,357 pages = 40.5 MiB dirty, over the 38.4 MiB threshold. Round 1 sends them
        // in 0.316 s, in which 647 writes leave ~634 pages, well under: stop and copy them.
        var r = PreCopyModel.Run(new GuestWorkload(1 * GiB, 64 * MiB, 8 * MiB), new MigrationSettings());
        double w = 16_384;
        double d1 = w * (1 - Math.Pow(1 - 1 / w, 16_384));
        double t1 = d1 * 4096 / (128.0 * MiB);
        double d2 = w * (1 - Math.Pow(1 - 1 / w, 8.0 * MiB * t1 / 4096));
        Assert.Equal((2, PreCopyStopReason.Converged), (r.Rounds, r.StopReason));
        Assert.Equal(d1, r.RoundLog[0].PagesDirtied, 6);
        Assert.Equal(d2, r.RoundLog[1].PagesDirtied, 3);
        Assert.Equal(262_144 + d1 + d2, r.PagesSent, 3);
        Assert.Equal(d1 + d2, r.PagesResent, 3);
        Assert.Equal(d2, r.StopAndCopyPages, 3);
        Assert.Equal(d2 * 4096 / (128.0 * MiB), r.Downtime.TotalSeconds, 6);
        Assert.Equal(8 + t1 + r.Downtime.TotalSeconds, r.TotalTime.TotalSeconds, 5); // times are whole ticks
    }

    [Fact]
    public void A_guest_dirtying_faster_than_the_link_runs_to_max_rounds_and_overshoots_the_downtime()
    {
        var r = PreCopyModel.Run(new GuestWorkload(1 * GiB, 1 * GiB, 256 * MiB), new MigrationSettings { MaxRounds = 12 });
        Assert.Equal((12, PreCopyStopReason.MaxRounds), (r.Rounds, r.StopReason));
        Assert.Equal(12, r.RoundLog.Count);
        Assert.True(r.Downtime > TimeSpan.FromSeconds(1), $"downtime {r.Downtime}");
        Assert.All(r.RoundLog, round => Assert.Equal(0, round.ThrottlePercent));
    }

    [Fact]
    public void Auto_converge_throttles_a_non_converging_guest_until_it_converges()
    {
        var workload = new GuestWorkload(1 * GiB, 1 * GiB, 512 * MiB);
        var without = PreCopyModel.Run(workload, new MigrationSettings());
        var with = PreCopyModel.Run(workload, new MigrationSettings { AutoConverge = true });
        Assert.Equal(PreCopyStopReason.MaxRounds, without.StopReason);
        Assert.Equal(PreCopyStopReason.Converged, with.StopReason);
        Assert.True(with.Downtime <= TimeSpan.FromMilliseconds(300));
        Assert.True(with.FinalThrottlePercent >= 20);
        var throttles = with.RoundLog.Select(round => round.ThrottlePercent).ToList();
        Assert.Equal(throttles.Order(), throttles);
        Assert.Equal(0, throttles[0]);
    }

    [Fact]
    public void Hybrid_hands_the_last_rounds_dirty_pages_to_post_copy_with_no_memory_downtime()
    {
        var workload = new GuestWorkload(1 * GiB, 1 * GiB, 256 * MiB);
        var r = PreCopyModel.Run(workload, new MigrationSettings { Mode = MigrationMode.Hybrid, PostCopyAfterRounds = 2 });
        Assert.Equal((2, PreCopyStopReason.PostCopySwitch), (r.Rounds, r.StopReason));
        Assert.Equal(r.RoundLog[1].PagesDirtied, r.PostCopyPages);
        Assert.Equal(0, r.StopAndCopyPages);
        Assert.Equal(TimeSpan.Zero, r.Downtime);

        var post = PreCopyModel.Run(workload, new MigrationSettings { Mode = MigrationMode.PostCopy });
        Assert.Equal((0, 262_144.0, 0.0), (post.Rounds, post.PostCopyPages, post.PagesResent));
        Assert.Equal(TimeSpan.FromSeconds(8), post.TotalTime);

        // A hybrid migration that converges before its switch completes as pre-copy.
        var quiet = PreCopyModel.Run(new GuestWorkload(1 * GiB, 64 * MiB, 8 * MiB), new MigrationSettings { Mode = MigrationMode.Hybrid, PostCopyAfterRounds = 5 });
        Assert.Equal(PreCopyStopReason.Converged, quiet.StopReason);
    }

    [Fact]
    public void The_page_level_simulation_is_reproducible_from_its_seed()
    {
        var workload = new GuestWorkload(256 * MiB, 128 * MiB, 96 * MiB);
        var a = PreCopySimulation.Run(workload, new MigrationSettings(), new SeededRandomSource(5));
        var b = PreCopySimulation.Run(workload, new MigrationSettings(), new SeededRandomSource(5));
        var c = PreCopySimulation.Run(workload, new MigrationSettings(), new SeededRandomSource(6));
        Assert.Equal(a.RoundLog, b.RoundLog);
        Assert.NotEqual(a.RoundLog, c.RoundLog);
        Assert.All(a.RoundLog, round => Assert.Equal(Math.Round(round.PagesDirtied), round.PagesDirtied));
    }

    [Fact]
    public void Bad_workloads_and_settings_are_refused_with_every_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => PreCopyModel.Run(new GuestWorkload(MiB, 2 * MiB, -1), new MigrationSettings()));
        Assert.Contains("working-set (2097152 bytes) must not exceed memory", error.Message);
        Assert.Contains("dirty-rate must not be negative", error.Message);
        Assert.Contains("bandwidth must be positive",
            Assert.Throws<ArgumentException>(() => PreCopyModel.Run(new GuestWorkload(MiB, MiB, 0), new MigrationSettings { Bandwidth = 0 })).Message);
    }

    [Fact]
    public void Any_moderate_workload_runs_the_same_in_pages_as_in_the_model()
    {
        var cases =
            from memoryMiB in Gen.Choose(64, 512)
            from workingSetPercent in Gen.Choose(5, 100)
            from rateMiB in Gen.Choose(16, 512)
            from bandwidthMiB in Gen.Choose(64, 1024)
            from seed in Gen.Choose(0, int.MaxValue)
            select (workload: new GuestWorkload(memoryMiB * MiB, memoryMiB * MiB * workingSetPercent / 100, rateMiB * MiB),
                settings: new MigrationSettings { Bandwidth = bandwidthMiB * MiB, MaxRounds = 10 }, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var row = new PreCopySweepRow(c.workload, c.settings, PreCopyModel.Run(c.workload, c.settings),
                PreCopySimulation.Run(c.workload, c.settings, new SeededRandomSource(c.seed)));
            return row.Agrees;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
