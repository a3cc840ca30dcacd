using System.Globalization;
using System.Text;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// The issue's model check done by the actors: each cell is a world (<see cref="FleetRunner"/>) of two hosts on fast
/// NICs and one VM without devices migrated by pre-copy at the cell's bandwidth, compared with the analytical
/// <see cref="PreCopyModel"/> of the same workload (docs/migration.md, "In-world model check"). The memories are small
/// (the model scales with pages, not bytes) so that the whole sweep runs in seconds; the test asserts every row agrees
/// and <c>dotnet run -c Release --project bench/Virtsim.Bench -- migration-model --in-world</c> prints the table.
/// </summary>
public static class InWorldPreCopySweep
{
    private const long MiB = 1L << 20;

    /// <summary>The seed <see cref="Run"/> uses unless told otherwise (row i runs its world with seed + i).</summary>
    public const int DefaultSeed = 3;

    /// <summary>
    /// The grid: a 256 MiB guest; working sets 32 and 128 MiB; dirty rates 8, 32 and 128 MiB/s; bandwidths 64, 128 and
    /// 256 MiB/s; QEMU's 300 ms downtime limit and 30 rounds; then four cells at 64 MiB/s that converge only with auto-converge on.
    /// </summary>
    public static IReadOnlyList<(GuestWorkload Workload, MigrationSettings Settings)> Grid { get; } = BuildGrid();

    /// <summary>Runs every cell of <paramref name="grid"/> (default <see cref="Grid"/>) in a world and through the model.</summary>
    public static IReadOnlyList<InWorldSweepRow> Run(int seed = DefaultSeed, IReadOnlyList<(GuestWorkload Workload, MigrationSettings Settings)>? grid = null)
    {
        grid ??= Grid;
        var rows = new List<InWorldSweepRow>(grid.Count);
        for (int i = 0; i < grid.Count; i++)
        {
            var (workload, settings) = grid[i];
            var report = FleetRunner.Run(ScenarioLoader.Parse(Scenario(workload, settings)), unchecked(seed + i));
            var world = report.Migrations.Count == 1
                ? report.Migrations[0]
                : throw new InvalidOperationException($"cell {i}: the world reported {report.Migrations.Count} migrations, not 1");
            rows.Add(new InWorldSweepRow(workload, settings, PreCopyModel.Run(workload, settings), world));
        }
        return rows;
    }

    /// <summary>The scenario of one cell: h1's VM to h2 over 10 GiB/s NICs (the migration's bandwidth is the limit).</summary>
    public static string Scenario(GuestWorkload workload, MigrationSettings settings) => FormattableString.Invariant($$"""
        scenario { name = in-world-model, max-virtual-time = 600s }
        hosts = [
          { name = h1, bandwidth = 10GiB/s, vms = [ { name = vm1, memory = {{workload.MemoryBytes}}B, working-set = {{workload.WorkingSetBytes}}B, dirty-rate = {{workload.DirtyRate}}B/s } ] }
          { name = h2, bandwidth = 10GiB/s }
        ]
        migrations = [ { vm = "h1/vm1", to = h2, bandwidth = {{settings.Bandwidth}}B/s, downtime-limit = {{settings.DowntimeLimit.TotalMilliseconds}}ms, max-rounds = {{settings.MaxRounds}}, auto-converge = {{(settings.AutoConverge ? "true" : "false")}} } ]
        """);

    /// <summary>The rows as a markdown table (model / world per column, relative differences).</summary>
    public static string ToMarkdown(IReadOnlyList<InWorldSweepRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| memory | working set | dirty rate | bandwidth | auto-converge | rounds (model / world) | stop (model) | sent MiB (model / world) | diff | downtime ms (model / world) | diff | agrees |");
        text.AppendLine("|---:|---:|---:|---:|:---:|---:|:---|---:|---:|---:|---:|:---:|");
        foreach (var r in rows)
        {
            var (m, w) = (r.Model, r.World);
            text.Append(CultureInfo.InvariantCulture,
                $"| {PreCopySweep.Size(r.Workload.MemoryBytes)} | {PreCopySweep.Size(r.Workload.WorkingSetBytes)} | {PreCopySweep.Size(r.Workload.DirtyRate)}/s | {PreCopySweep.Size(r.Settings.Bandwidth)}/s ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {(r.Settings.AutoConverge ? $"on ({m.FinalThrottlePercent}% in the model)" : "off")} | {m.Rounds} / {w.Rounds} | {PreCopySweep.Stop(m.StopReason)} ");
            text.Append(CultureInfo.InvariantCulture, $"| {m.BytesSent / MiB:0.0} / {w.MemoryBytesSent / (double)MiB:0.0} | {r.BytesError:0.0%} ");
            text.Append(CultureInfo.InvariantCulture, $"| {m.Downtime.TotalMilliseconds:0.0} / {w.Downtime.TotalMilliseconds:0.0} | {r.DowntimeError:0.0%} ");
            text.Append(CultureInfo.InvariantCulture,
                $"| {(r.Agrees ? (r.RoundsDelta == 0 ? "yes" : $"on threshold ({r.ThresholdMargin:+0.0%;-0.0%})") : "NO")} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    private static List<(GuestWorkload, MigrationSettings)> BuildGrid()
    {
        var grid = new List<(GuestWorkload, MigrationSettings)>();
        foreach (long bandwidth in new[] { 64 * MiB, 128 * MiB, 256 * MiB })
            foreach (long workingSet in new[] { 32 * MiB, 128 * MiB })
                foreach (long rate in new[] { 8 * MiB, 32 * MiB, 128 * MiB })
                    grid.Add((new GuestWorkload(256 * MiB, workingSet, rate), new MigrationSettings { Bandwidth = bandwidth }));
        foreach (var (workingSet, rate) in new[] { (128 * MiB, 256 * MiB), (128 * MiB, 512 * MiB), (256 * MiB, 128 * MiB), (256 * MiB, 256 * MiB) })
            grid.Add((new GuestWorkload(256 * MiB, workingSet, rate), new MigrationSettings { Bandwidth = 64 * MiB, AutoConverge = true }));
        return grid;
    }
}
