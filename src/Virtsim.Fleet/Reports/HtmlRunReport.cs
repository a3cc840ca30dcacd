using System.Globalization;
using System.Text;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Reports;

/// <summary>
/// The run report as one self-contained HTML page (no script, no network): outcome, seed and the command that
/// replays the run, the summary, charts of the devices by kind, vendor and transport, failures by reason, the
/// migration waves (a table and charts), the migrations (outcomes, downtime and total-time distributions, rounds, a
/// timeline per source host, or per rack in a large fleet) and the bytes moved per link over time when there are any,
/// every counter, and the scenario's settings. Pure: text in, text out.
/// </summary>
public static class HtmlRunReport
{
    /// <summary>One migration as the report draws it: its result and when it started (virtual time).</summary>
    /// <param name="Result">What it did.</param>
    /// <param name="Start">When it started.</param>
    public sealed record Migration(MigrationResult Result, TimeSpan Start);

    /// <summary>
    /// The run's migrations with their start times: each result paired with the scenario's migration of the same VM
    /// and destination, in order (the scenario says when it starts; the result how long it took).
    /// </summary>
    public static IReadOnlyList<Migration> MigrationsOf(WorldSpec spec, RunReport report)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(report);
        // A device switch is reported as a move of its VM ("host/vm") to its own host.
        var scheduled = spec.Migrations.Select(m => (m.VmPath, m.To, m.At))
            .Concat(spec.DeviceSwitches.Select(s => (VmPath: s.Device[..s.Device.LastIndexOf('/')], To: s.Device[..s.Device.IndexOf('/')], s.At)));
        // A run that recorded when each migration really started (a wave's start when its gate released it) says so.
        if (report.MigrationStarts.Count == report.Migrations.Count && report.Migrations.Count > 0)
            return [.. report.Migrations.Select((r, i) => new Migration(r, report.MigrationStarts[i]))];
        var starts = scheduled.GroupBy(m => (m.VmPath, m.To)).ToDictionary(g => g.Key, g => new Queue<TimeSpan>(g.Select(m => m.At).Order()));
        return report.Migrations.Select(r => new Migration(r,
            starts.TryGetValue((r.Vm, r.To), out var q) && q.Count > 0 ? q.Dequeue() : TimeSpan.Zero)).ToList();
    }

    /// <summary>Renders the page.</summary>
    /// <param name="spec">The world that ran.</param>
    /// <param name="report">What the run did.</param>
    /// <param name="scenarioSource">Where the scenario came from (a path or a built-in name), for the replay command.</param>
    /// <param name="settings">The scenario's text as the user wrote it, shown verbatim; null: not shown.</param>
    /// <param name="migrations">The run's migrations; empty when it had none.</param>
    public static string Render(WorldSpec spec, RunReport report, string scenarioSource, string? settings, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(migrations);
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        s.Append("<title>Virtsim run: ").Append(E(report.Scenario)).Append(" (seed ").Append(report.Seed).Append(")</title>");
        s.Append("<style>").Append(Style).Append("</style></head><body>\n");
        s.Append("<h1>").Append(E(report.Scenario)).Append(" <span class=\"outcome ").Append(E(report.OutcomeName)).Append("\">")
            .Append(E(report.OutcomeName)).Append("</span></h1>\n");
        s.Append("<p>Seed <b>").Append(report.Seed).Append("</b>, trace hash <code>").Append(report.TraceHashHex)
            .Append("</code>. Replay: <code>virtsim run ").Append(E(scenarioSource)).Append(" --seed ").Append(report.Seed).Append("</code></p>\n");

        Summary(s, spec, report);
        Devices(s, spec);
        Failures(s, report);
        if (report.Waves.Count > 0) Waves(s, report);
        if (migrations.Count > 0) Migrations(s, spec, migrations);
        if (report.LinkUsage is { } usage && report.Links is { } links) LinkBytes(s, spec, usage, links);
        Counters(s, report);
        if (settings is not null) s.Append("<h2>Settings</h2>\n<pre class=\"settings\">").Append(E(settings)).Append("</pre>\n");
        s.Append("</body></html>\n");
        return s.ToString();
    }

    private static void Summary(StringBuilder s, WorldSpec spec, RunReport r)
    {
        var devices = spec.AllDevices().Count();
        s.Append("<h2>Summary</h2>\n<table class=\"summary\">");
        Row(s, "hosts / VMs / devices", $"{spec.Hosts.Count:N0} / {spec.Hosts.Sum(h => h.Vms.Count):N0} / {devices:N0}");
        Row(s, "requests", r.Requests.ToString("N0", CultureInfo.InvariantCulture));
        Row(s, "lost (by crashes)", $"{r.Lost:N0} ({r.FramesDroppedByCrash:N0})");
        Row(s, "duplicates", r.Duplicates.ToString("N0", CultureInfo.InvariantCulture));
        Row(s, "integrity errors", r.IntegrityErrors.ToString("N0", CultureInfo.InvariantCulture));
        Row(s, "acknowledged writes lost", r.AckedWritesLost.ToString("N0", CultureInfo.InvariantCulture));
        Row(s, "messages", r.Messages.ToString("N0", CultureInfo.InvariantCulture));
        Row(s, "virtual time", $"{r.VirtualTime.TotalMilliseconds:0.###} ms");
        Row(s, "wall time", $"{r.WallTime.TotalSeconds:0.###} s");
        Row(s, "completed", r.Completed ? "yes" : "no");
        s.Append("</table>\n");
    }

    private static void Devices(StringBuilder s, WorldSpec spec)
    {
        var all = spec.AllDevices().Select(x => x.Device).ToList();
        s.Append("<h2>Devices</h2>\n<div class=\"charts\">");
        s.Append(SvgChart.Bars("Devices by kind", Count(all, d => d.Kind.ToString().ToLowerInvariant())));
        s.Append(SvgChart.Bars("Devices by vendor profile", Count(all, d => d.Profile.Name)));
        s.Append(SvgChart.Bars("Devices by transport and ring", Count(all, d => $"{d.Transport.ToString().ToLowerInvariant()}, {(d.PackedRing ? "packed" : "split")}")));
        s.Append("</div>\n");
    }

    private static void Failures(StringBuilder s, RunReport r)
    {
        if (r.Failures.Count == 0 && r.StoreFailures.Count == 0) return;
        s.Append("<h2>Failures</h2>\n<div class=\"charts\">");
        if (r.Failures.Count > 0) s.Append(SvgChart.Bars("Device failures by reason", Count(r.Failures, f => f.Reason)));
        if (r.StoreFailures.Count > 0) s.Append(SvgChart.Bars("Store failures by persistence id", Count(r.StoreFailures, f => f.PersistenceId)));
        s.Append("</div>\n<table class=\"failures\"><tr><th>device</th><th>reason</th></tr>");
        foreach (var f in r.Failures) s.Append("<tr><td>").Append(E(f.Device)).Append("</td><td>").Append(E(f.Reason)).Append("</td></tr>");
        s.Append("</table>\n");
    }

    private static void Waves(StringBuilder s, RunReport r)
    {
        s.Append("<h2>Migration waves</h2>\n<table class=\"waves\"><tr><th>wave</th><th>kind</th><th>hosts</th><th>planned</th><th>moved</th><th>failed</th><th>start</th><th>time</th><th>bytes</th></tr>");
        foreach (var w in r.Waves)
        {
            s.Append("<tr><td>").Append(w.Index + 1).Append("</td><td>").Append(E(w.Kind)).Append("</td><td>").Append(E(w.Hosts))
                .Append("</td><td>").Append(w.Planned.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(w.Moved.ToString("N0", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(w.Failed.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(SvgChart.Number((w.Start ?? TimeSpan.Zero).TotalMilliseconds))).Append(" ms")
                .Append("</td><td>").Append(E(SvgChart.Number(w.Duration.TotalMilliseconds))).Append(" ms</td><td>").Append(E(SvgChart.Number(w.Bytes / 1048576.0))).Append(" MiB</td></tr>");
        }
        s.Append("</table>\n<div class=\"charts\">");
        s.Append(SvgChart.Bars("VMs moved by wave", [.. r.Waves.Select(w => ($"wave {w.Index + 1} ({w.Kind})", (double)w.Moved))]));
        s.Append(SvgChart.Bars("VMs not moved by wave", [.. r.Waves.Select(w => ($"wave {w.Index + 1} ({w.Kind})", (double)w.Failed))]));
        s.Append("</div>\n");
    }

    // The links that carried the most bytes (at most eight), over time.
    private static void LinkBytes(StringBuilder s, WorldSpec spec, Virtsim.Fleet.Migration.LinkUsage usage, Virtsim.Fleet.Migration.FleetLinks links)
    {
        var top = usage.Links.OrderByDescending(usage.Total).ThenBy(l => l).Take(8).ToList();
        if (top.Count == 0) return;
        double bucketMs = (double)usage.BucketTicks / TimeSpan.TicksPerMillisecond;
        // Long runs: buckets merged so the chart keeps at most 400 of them.
        int longest = top.Max(l => usage.Buckets(l).Count);
        int merge = Math.Max(1, (longest + 399) / 400);
        var series = top.Select(l => (links.Name(l, i => spec.Hosts[i].Name),
            (IReadOnlyList<double>)[.. usage.Buckets(l).Chunk(merge).Select(c => c.Sum() / 1048576.0)])).ToList();
        s.Append("<h2>Links</h2>\n<div class=\"charts\">");
        s.Append(SvgChart.Lines("Bytes moved per link over time (the busiest links)", series, bucketMs * merge, " ms", " MiB"));
        s.Append("</div>\n");
    }

    private static void Migrations(StringBuilder s, WorldSpec spec, IReadOnlyList<Migration> migrations)
    {
        var results = migrations.Select(m => m.Result).ToList();
        var moved = results.Where(m => m.Outcome == MigrationOutcome.Completed).ToList();
        s.Append("<h2>Migrations</h2>\n<div class=\"charts\">");
        s.Append(SvgChart.Bars("Migrations by outcome", Count(results, m => MigrationNames.Of(m.Outcome))));
        s.Append(SvgChart.Cdf("Downtime of completed migrations (CDF)", moved.Select(m => m.Downtime.TotalMilliseconds).ToList(), " ms"));
        s.Append(SvgChart.Cdf("Total time of completed migrations (CDF)", moved.Select(m => m.TotalTime.TotalMilliseconds).ToList(), " ms"));
        s.Append(SvgChart.Bars("Migrations by pre-copy rounds", results.GroupBy(m => m.Rounds).OrderBy(g => g.Key)
            .Select(g => (g.Key == 1 ? "1 round" : $"{g.Key} rounds", (double)g.Count())).ToList()));
        s.Append(SvgChart.Bars("Memory sent by source host", results.GroupBy(m => m.From).OrderByDescending(g => g.Sum(m => m.MemoryBytesSent)).Take(20)
            .Select(g => (g.Key, g.Sum(m => m.MemoryBytesSent) / 1048576.0)).ToList(), " MiB"));
        var failed = results.Where(m => m.Outcome != MigrationOutcome.Completed).ToList();
        if (failed.Count > 0) s.Append(SvgChart.Bars("Migrations that did not complete, by reason", Count(failed, m => m.Reason.Length == 0 ? "(no reason given)" : m.Reason)));
        // A large fleet is drawn by rack (every migration, a row per source rack); a small one by source host.
        if (spec.Racks is { } racks && spec.Hosts.Count > 200)
        {
            var index = spec.Hosts.Select((h, i) => (h.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            string RackOf(string host) => index.TryGetValue(host, out int i) ? $"rack {racks.RackOf(i) + 1:D3}" : host;
            var byRack = migrations.Select(m => (Row: RackOf(m.Result.From), m)).OrderBy(x => x.Row, StringComparer.Ordinal).ToList();
            var rows = byRack.Select(x => x.Row).Distinct().Take(60).ToHashSet(StringComparer.Ordinal);
            s.Append(SvgChart.Timeline($"Migration timeline by source rack ({Math.Min(rows.Count, 60)} racks)", byRack.Where(x => rows.Contains(x.Row))
                .Select(x => (x.Row, x.m.Start.TotalMilliseconds, (x.m.Start + x.m.Result.TotalTime).TotalMilliseconds, MigrationNames.Of(x.m.Result.Outcome))).ToList(), " ms"));
        }
        else
        {
            s.Append(SvgChart.Timeline("Migration timeline by source host", migrations.OrderBy(m => m.Result.From, StringComparer.Ordinal).Take(200)
                .Select(m => (m.Result.From, m.Start.TotalMilliseconds, (m.Start + m.Result.TotalTime).TotalMilliseconds, MigrationNames.Of(m.Result.Outcome))).ToList(), " ms"));
        }
        s.Append("</div>\n");
    }

    private static void Counters(StringBuilder s, RunReport r)
    {
        s.Append("<h2>Counters</h2>\n<table class=\"counters\">");
        foreach (var (name, value) in r.Counters.OrderBy(c => c.Key, StringComparer.Ordinal)) Row(s, name, value.ToString("N0", CultureInfo.InvariantCulture));
        s.Append("</table>\n");
    }

    private static List<(string, double)> Count<T>(IEnumerable<T> items, Func<T, string> key) =>
        items.GroupBy(key).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(20)
            .Select(g => (g.Key, (double)g.Count())).ToList();

    private static void Row(StringBuilder s, string name, string value) =>
        s.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");

    private static string E(string text) => SvgChart.Escape(text);

    private const string Style =
        "body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}" +
        "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}" +
        ".outcome{font-size:14px;padding:2px 8px;border-radius:4px;background:#c4463a;color:#fff}.outcome.passed{background:#4f9a5a}" +
        "table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}td{font-variant-numeric:tabular-nums}" +
        ".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}" +
        "svg text{font:12px system-ui,sans-serif;fill:#333}pre.settings{background:#f6f6f6;padding:12px;overflow:auto;max-height:480px}";
}
