using System.Text;
using Virtsim.Fleet.Reports;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// The matrix as one self-contained HTML page (no script, no network): the totals (a bar chart of the fleet report's
/// <see cref="SvgChart"/>), then a grid with a row per driver, device and type and a column per transport, ring and
/// feature set; each cell coloured by its result, with the reason and the negotiated and masked features; then the
/// cells that failed unexpectedly. Pure: report in, text out.
/// </summary>
public static class InteropHtml
{
    /// <summary>Renders <paramref name="report"/>; <paramref name="command"/> is the command line that produced it.</summary>
    public static string Render(InteropReport report, string command)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Virtsim interop matrix: ")
            .Append(E(report.Matrix.Source)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        s.Append("<h1>Interop matrix <span class=\"badge ").Append(report.Failed ? "bad" : "good").Append("\">")
            .Append(report.Failed ? "cells failed unexpectedly" : "as expected").Append("</span></h1>\n");
        s.Append("<p>").Append(E(report.Summary())).Append("</p>\n<p>Command: <code>").Append(E(command)).Append("</code></p>\n");
        s.Append("<div class=\"charts\">")
            .Append(SvgChart.Bars("Cells by result", report.Totals.Where(t => t.Value > 0).Select(t => (t.Key.Name(), (double)t.Value)).ToList()))
            .Append("</div>\n");
        Legend(s);
        Grid(s, report);
        var failed = report.Results.Where(r => r.UnexpectedFailure).ToList();
        if (failed.Count > 0)
        {
            s.Append("<h2>Failed although expected to pass</h2>\n<ul class=\"failures\">");
            foreach (var r in failed) s.Append("<li><b>").Append(E(r.Cell.Id)).Append("</b>: ").Append(E(r.Outcome.Name())).Append(": ").Append(E(r.Reason)).Append("</li>");
            s.Append("</ul>\n");
        }
        s.Append("</body></html>\n");
        return s.ToString();
    }

    private static void Legend(StringBuilder s)
    {
        s.Append("<p class=\"legend\">");
        foreach (var o in CellOutcomes.All) s.Append("<span class=\"cell r-").Append(o.Name()).Append("\">").Append(o.Name()).Append("</span> ");
        s.Append("<span class=\"na\">n/a</span> (hatched: failure expected by the matrix)</p>\n");
    }

    private static void Grid(StringBuilder s, InteropReport report)
    {
        var results = report.Results;
        var rows = results.Select(r => (r.Cell.Driver.Name, r.Cell.Device.Name, r.Cell.TypeName)).Distinct().ToList();
        var columns = results.Select(r => (Transport: r.Cell.Transport.Name(), Ring: r.Cell.RingName, Features: r.Cell.Features.Name)).Distinct()
            .OrderBy(c => InteropNames.Transports.Select(t => t.Name()).ToList().IndexOf(c.Transport)).ToList();
        var byKey = results.ToDictionary(r => (r.Cell.Driver.Name, r.Cell.Device.Name, r.Cell.TypeName, r.Cell.Transport.Name(), r.Cell.RingName, r.Cell.Features.Name));
        s.Append("<table class=\"matrix\"><thead><tr><th>driver</th><th>device</th><th>type</th>");
        foreach (var c in columns) s.Append("<th>").Append(E(c.Transport)).Append("<br>").Append(E(c.Ring)).Append("<br>").Append(E(c.Features)).Append("</th>");
        s.Append("</tr></thead><tbody>\n");
        foreach (var (driver, device, type) in rows)
        {
            s.Append("<tr><th>").Append(E(driver)).Append("</th><th>").Append(E(device)).Append("</th><th>").Append(E(type)).Append("</th>");
            foreach (var c in columns)
            {
                if (!byKey.TryGetValue((driver, device, type, c.Transport, c.Ring, c.Features), out var r))
                {
                    s.Append("<td class=\"na\">n/a</td>");
                    continue;
                }
                string expected = r.Cell.ExpectFail != null ? " expected" : "";
                s.Append("<td class=\"cell r-").Append(r.Outcome.Name()).Append(expected).Append("\" data-result=\"").Append(r.Outcome.Name())
                    .Append("\" title=\"").Append(E(r.Cell.Id)).Append("\"><b>").Append(E(r.Outcome.Name())).Append("</b>");
                if (r.Cell.ExpectFail is { } why) s.Append("<div class=\"why\">expected to fail: ").Append(E(why)).Append("</div>");
                s.Append("<div class=\"reason\">").Append(E(r.Reason)).Append("</div>");
                if (!r.Negotiated.IsEmpty)
                    s.Append("<div class=\"features\">").Append(E(r.Negotiated.ToString())).Append(": ").Append(E(r.NegotiatedNames)).Append("</div>");
                if (!r.Masked.IsEmpty) s.Append("<div class=\"masked\">masked: ").Append(E(r.MaskedNames)).Append("</div>");
                if (r.Traffic.Length > 0) s.Append("<div class=\"traffic\">").Append(E(r.Traffic)).Append("</div>");
                if (r.PeerOutput is { } output)
                    s.Append("<details class=\"output\"><summary>peer output</summary><pre>").Append(E(string.Join('\n', output))).Append("</pre></details>");
                s.Append("</td>");
            }
            s.Append("</tr>\n");
        }
        s.Append("</tbody></table>\n");
    }

    private static string E(string text) => SvgChart.Escape(text);

    private const string Style =
        "body{font:13px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}" +
        ".badge{font-size:13px;padding:2px 8px;border-radius:4px;color:#fff}.badge.good{background:#4f9a5a}.badge.bad{background:#c4463a}" +
        ".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}svg text{font:12px system-ui,sans-serif;fill:#333}" +
        "table.matrix{border-collapse:collapse}table.matrix th,table.matrix td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}" +
        "table.matrix td{min-width:150px;max-width:260px}.reason,.features,.masked,.traffic,.why{font-size:11px;margin-top:2px;word-break:break-word}" +
        ".features{color:#345}.masked{color:#840}.legend .cell,.legend .na{padding:2px 6px;margin-right:4px;border:1px solid #ccc}" +
        ".r-passed{background:#d9f2dc}.r-refused-features-ok{background:#fde2c8}.r-needs-reset{background:#f9d0d0}.r-data-mismatch{background:#f4b6b6}" +
        ".r-timeout{background:#fbeeb0}.r-peer-crashed{background:#e0b0e8}.r-failed{background:#f2c4c4}.r-unavailable{background:#e4e4e4;color:#555}" +
        "details.output{font-size:11px;margin-top:2px}details.output pre{white-space:pre-wrap;max-height:240px;overflow:auto;background:#fff;padding:4px}" +
        ".expected{background-image:repeating-linear-gradient(45deg,transparent 0 6px,rgba(0,0,0,.06) 6px 12px)}.na{color:#999;background:#fafafa}";
}
