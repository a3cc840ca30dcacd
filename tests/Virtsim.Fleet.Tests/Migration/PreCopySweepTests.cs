using Virtsim.Fleet.Migration;
using Virtsim.Hocon.Tests;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Tests.Migration;

public class PreCopySweepTests
{
    private const long MiB = 1 << 20;
    private const long GiB = 1 << 30;
    private static readonly Lazy<IReadOnlyList<PreCopySweepRow>> Sweep = new(() => PreCopySweep.Run());

    [Fact]
    public void Over_the_grid_pages_and_model_agree_on_rounds_bytes_sent_and_downtime_within_5_percent()
    {
        var rows = Sweep.Value;
        Assert.Equal(PreCopySweep.Grid.Count, rows.Count);
        var disagreeing = rows.Where(r => !r.Agrees).ToList();
        Assert.True(disagreeing.Count == 0, "disagreeing rows:\n" + PreCopySweep.ToMarkdown(disagreeing));
        // The grid covers each way to end: converged after round 0, converged later, max rounds, and auto-converge.
        Assert.Contains(rows, r => r.Model.Rounds == 1);
        Assert.Contains(rows, r => r.Model.Rounds > 2 && r.Model.StopReason == PreCopyStopReason.Converged);
        Assert.Contains(rows, r => r.Model.StopReason == PreCopyStopReason.MaxRounds);
        Assert.Contains(rows, r => r.Settings.AutoConverge && r.Model.FinalThrottlePercent > 0);
    }

    [Fact]
    public void The_table_in_docs_migration_md_is_the_one_the_sweep_computes()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryConfigs.Root(), "docs", "migration.md")).ReplaceLineEndings("\n");
        string table = PreCopySweep.ToMarkdown(Sweep.Value).ReplaceLineEndings("\n");
        Assert.True(doc.Contains(table), "docs/migration.md's sweep table is stale; regenerate it with: dotnet run -c Release --project bench/Virtsim.Bench -- migration-model\n" + table);
    }

    [Fact]
    public void Where_the_model_sits_on_the_threshold_a_random_run_may_take_one_round_more_or_less()
    {
        // 1 GiB at 128 MiB/s: round 0 takes 8 s. Choose the dirty rate whose expected dirty set after it is the 38.4 MiB
        // threshold itself: W (1 - (1 - 1/W)^n) = 9830.4 pages over W = 262,144. Runs then converge after round 0 or
        // need round 1, depending on the seed; both agree with the model in the sense of PreCopySweepRow.Agrees.
        double w = 262_144, target = 0.3 * 128 * MiB / 4096;
        double writes = Math.Log(1 - target / w) / Math.Log(1 - 1 / w);
        var workload = new GuestWorkload(1 * GiB, 1 * GiB, (long)Math.Round(writes * 4096 / 8));
        var settings = new MigrationSettings();
        var model = PreCopyModel.Run(workload, settings);
        var rows = Enumerable.Range(0, 24)
            .Select(seed => new PreCopySweepRow(workload, settings, model, PreCopySimulation.Run(workload, settings, new SeededRandomSource(seed))))
            .ToList();
        Assert.Equal(target, model.RoundLog[0].PagesDirtied, 0.5);
        Assert.Contains(rows, r => r.RoundsDelta == 0);
        Assert.Contains(rows, r => r.RoundsDelta != 0);
        Assert.All(rows.Where(r => r.RoundsDelta != 0), r => Assert.InRange(Math.Abs(r.ThresholdMargin), 0, 0.001));
        Assert.All(rows, r => Assert.True(r.Agrees, $"rounds {r.Model.Rounds}/{r.Simulation.Rounds}, margin {r.ThresholdMargin}"));
        // Such a row would not agree if the model stood clear of the threshold.
        var clear = rows.First(r => r.RoundsDelta != 0) with { Settings = settings with { DowntimeLimit = TimeSpan.FromMilliseconds(250) } };
        Assert.False(clear.Agrees);
    }
}
