using System.Globalization;
using System.Text;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// The model-against-pages check of the issue: over a grid of dirty rates, working sets and bandwidths, the
/// page-level <see cref="PreCopySimulation"/> against the analytical <see cref="PreCopyModel"/>. The test asserts
/// every row agrees; <c>dotnet run -c Release --project bench/Virtsim.Bench -- migration-model</c> prints the table
/// that docs/migration.md shows.
/// </summary>
public static class PreCopySweep
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    /// <summary>The seed <see cref="Run"/> uses unless told otherwise (row i draws from seed + i).</summary>
    public const int DefaultSeed = 13;

    /// <summary>
    /// The grid: a 1 GiB guest; working sets 64 MiB, 256 MiB, 1 GiB; dirty rates 8, 32, 128, 512 MiB/s; bandwidths
    /// 128 MiB/s (QEMU's default), 256 MiB/s and 1 GiB/s; QEMU's 300 ms downtime limit and 30 rounds; then the non-converging
    /// corner again with auto-converge on.
    /// </summary>
    public static IReadOnlyList<(GuestWorkload Workload, MigrationSettings Settings)> Grid { get; } = BuildGrid();

    /// <summary>Runs every cell of <paramref name="grid"/> (default <see cref="Grid"/>) through both, row i's pages drawn from seed + i.</summary>
    public static IReadOnlyList<PreCopySweepRow> Run(int seed = DefaultSeed, IReadOnlyList<(GuestWorkload Workload, MigrationSettings Settings)>? grid = null)
    {
        grid ??= Grid;
        var rows = new List<PreCopySweepRow>(grid.Count);
        for (int i = 0; i < grid.Count; i++)
        {
            var (workload, settings) = grid[i];
            rows.Add(new PreCopySweepRow(workload, settings, PreCopyModel.Run(workload, settings),
                PreCopySimulation.Run(workload, settings, new SeededRandomSource(unchecked(seed + i)))));
        }
        return rows;
    }

    /// <summary>The rows as a markdown table (model / page-level simulation per column, relative differences).</summary>
    public static string ToMarkdown(IReadOnlyList<PreCopySweepRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| working set | dirty rate | bandwidth | auto-converge | rounds (model / pages) | stop | sent GiB (model / pages) | diff | downtime ms (model / pages) | diff | total s (model / pages) | agrees |");
        text.AppendLine("|---:|---:|---:|:---:|---:|:---|---:|---:|---:|---:|---:|:---:|");
        foreach (var r in rows)
        {
            var (m, s) = (r.Model, r.Simulation);
            text.Append(CultureInfo.InvariantCulture,
                $"| {Size(r.Workload.WorkingSetBytes)} | {Size(r.Workload.DirtyRate)}/s | {Size(r.Settings.Bandwidth)}/s | {(r.Settings.AutoConverge ? $"on ({m.FinalThrottlePercent}% / {s.FinalThrottlePercent}%)" : "off")} ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {m.Rounds} / {s.Rounds} | {Stop(m.StopReason)}{(s.StopReason != m.StopReason ? " / " + Stop(s.StopReason) : "")} ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {m.BytesSent / GiB:0.000} / {s.BytesSent / GiB:0.000} | {r.BytesError:0.0%} ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {m.Downtime.TotalMilliseconds:0.0} / {s.Downtime.TotalMilliseconds:0.0} | {r.DowntimeError:0.0%} ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {m.TotalTime.TotalSeconds:0.00} / {s.TotalTime.TotalSeconds:0.00} | {(r.Agrees ? (r.RoundsDelta == 0 ? "yes" : $"on threshold ({r.ThresholdMargin:+0.0%;-0.0%})") : "NO")} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    internal static string Stop(PreCopyStopReason reason) => reason switch
    {
        PreCopyStopReason.Converged => "converged",
        PreCopyStopReason.MaxRounds => "max rounds",
        PreCopyStopReason.PostCopySwitch => "post-copy",
        _ => "-",
    };

    internal static string Size(long bytes) =>
        bytes >= GiB && bytes % GiB == 0 ? $"{bytes / GiB} GiB" : bytes % MiB == 0 ? $"{bytes / MiB} MiB" : $"{bytes} B";

    private static List<(GuestWorkload, MigrationSettings)> BuildGrid()
    {
        var grid = new List<(GuestWorkload, MigrationSettings)>();
        foreach (long bandwidth in new[] { 128 * MiB, 256 * MiB, 1 * GiB })
            foreach (long workingSet in new[] { 64 * MiB, 256 * MiB, 1 * GiB })
                foreach (long rate in new[] { 8 * MiB, 32 * MiB, 128 * MiB, 512 * MiB })
                    grid.Add((new GuestWorkload(1 * GiB, workingSet, rate), new MigrationSettings { Bandwidth = bandwidth }));
        foreach (long workingSet in new[] { 256 * MiB, 1 * GiB })
            foreach (long rate in new[] { 128 * MiB, 512 * MiB })
                grid.Add((new GuestWorkload(1 * GiB, workingSet, rate), new MigrationSettings { AutoConverge = true }));
        return grid;
    }
}
