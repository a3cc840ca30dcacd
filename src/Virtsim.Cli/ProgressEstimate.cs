using System.Globalization;
using Virtsim.Fleet.World;

namespace Virtsim.Cli;

/// <summary>
/// What a long run's progress line says: how far it is (workloads and, with migrations, migrations done of planned)
/// and an estimate of the wall time left, from the wall time so far and the share done of the part that lags
/// (a run ends when both are done). Pure.
/// </summary>
internal static class ProgressEstimate
{
    /// <summary>The share of the run done, 0 to 1: the smaller of workloads done and migrations done.</summary>
    public static double Done(RunProgress p)
    {
        double share = p.Workloads > 0 ? (double)p.WorkloadsDone / p.Workloads : 1;
        if (p.Migrations > 0) share = Math.Min(share, (double)p.MigrationsDone / p.Migrations);
        return Math.Clamp(share, 0, 1);
    }

    /// <summary>"eta 1m 05s", or null while nothing is done yet (no basis for an estimate).</summary>
    public static string? Eta(RunProgress p, TimeSpan wall)
    {
        double done = Done(p);
        if (done <= 0) return null;
        var left = TimeSpan.FromSeconds(wall.TotalSeconds * (1 - done) / done);
        return "eta " + Format(left);
    }

    /// <summary>The progress line's migration part ("12/4,000 migrations"), or "" without migrations.</summary>
    public static string Migrations(RunProgress p) =>
        p.Migrations == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {p.MigrationsDone:N0}/{p.Migrations:N0} migrations");

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h {t.Minutes:D2}m")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m {t.Seconds:D2}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(t.TotalSeconds):0}s");
}
