using System.Globalization;
using System.Text;
using System.Text.Json;
using Virtsim.Experiments.Reports;

namespace Virtsim.Experiments.Conformance;

/// <summary>The results of a run, and the three ways they are shown: a terminal table, one JSON line, an HTML page.</summary>
/// <param name="Cases">The cases selected.</param>
/// <param name="Peers">The peers run against.</param>
/// <param name="Results">One result per case that applied to a peer.</param>
public sealed record ConformanceReport(IReadOnlyList<ConformanceCase> Cases, IReadOnlyList<ConformancePeer> Peers, IReadOnlyList<CaseResult> Results)
{
    /// <summary>True when a Virtsim peer did not reject a case (the command then exits non-zero).</summary>
    public bool VirtsimFailed => Results.Any(r => r.Fails);

    /// <summary>The result of <paramref name="c"/> on <paramref name="peer"/>, or null when it did not run there.</summary>
    public CaseResult? Find(ConformanceCase c, ConformancePeer peer) => Results.FirstOrDefault(r => r.Case == c && r.Peer == peer);

    /// <summary>Verdict counts per peer.</summary>
    public IReadOnlyDictionary<Verdict, int> Counts(ConformancePeer peer) =>
        Enum.GetValues<Verdict>().ToDictionary(v => v, v => Results.Count(r => r.Peer == peer && r.Verdict == v));

    /// <summary>A plain-text table: one row per case, one column per peer, then per-peer totals and the non-rejections with their reasons.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        int idWidth = Math.Max(4, Cases.Max(c => c.Id.Length));
        text.Append("case".PadRight(idWidth));
        foreach (var p in Peers) text.Append("  ").Append(p.Name().PadRight(16));
        text.AppendLine();
        foreach (var c in Cases)
        {
            if (!Peers.Any(c.AppliesTo)) continue;
            text.Append(c.Id.PadRight(idWidth));
            foreach (var p in Peers) text.Append("  ").Append(Cell(Find(c, p), c.AppliesTo(p)).PadRight(16));
            text.AppendLine();
        }
        text.AppendLine();
        foreach (var p in Peers)
        {
            var counts = Counts(p);
            int na = Results.Count(r => r.Peer == p && r.Verdict == null);
            text.AppendLine($"{p.Name()}: " + string.Join(", ", counts.Where(kv => kv.Value > 0).Select(kv => $"{kv.Value} {kv.Key.Name()}")) +
                            (na > 0 ? $", {na} n/a" : ""));
        }
        var notes = Results.Where(r => r.Verdict is not (Verdict.Rejected or null)).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var r in notes) text.AppendLine($"{r.Peer.Name()} {r.Case.Id}: {r.Verdict!.Value.Name()}: {r.Reason}");
        }
        return text.ToString();
    }

    private static string Cell(CaseResult? result, bool applies) =>
        !applies ? "-" : result == null ? "" : result.Verdict is { } v ? v.Name() : "n/a";

    /// <summary>The whole report as one JSON line.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("cases", Cases.Count);
            w.WriteBoolean("virtsimRejectsAll", !VirtsimFailed);
            w.WriteStartObject("totals");
            foreach (var p in Peers)
            {
                w.WriteStartObject(p.Name());
                foreach (var (verdict, count) in Counts(p)) w.WriteNumber(verdict.Name().ToLowerInvariant(), count);
                w.WriteNumber("notApplicable", Results.Count(r => r.Peer == p && r.Verdict == null));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var r in Results)
            {
                w.WriteStartObject();
                w.WriteString("case", r.Case.Id);
                w.WriteString("peer", r.Peer.Name());
                w.WriteString("section", r.Case.Section);
                if (r.Verdict is { } v) w.WriteString("verdict", v.Name());
                else w.WriteNull("verdict");
                w.WriteString("reason", r.Reason);
                w.WriteNumber("durationMs", Math.Round(r.Duration.TotalMilliseconds));
                w.WriteStartArray("peerOutput");
                foreach (var line in r.PeerOutput) w.WriteStringValue(line);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A self-contained HTML page (no external assets): the case x peer matrix, each cell's reason and peer output on hover and below.</summary>
    public string ToHtml()
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Virtsim conformance</title><style>");
        h.Append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #999;padding:3px 6px;font-size:13px;vertical-align:top}");
        h.Append("td.REJECTED{background:#cfe8cf}td.TOLERATED{background:#fff2b3}td.WEDGED{background:#f7c98b}td.CRASHED{background:#f08080}");
        h.Append("td.CORRUPTED{background:#e3a0e3}td.ERROR{background:#ddd}td.na{color:#888}pre{font-size:11px;white-space:pre-wrap;margin:2px 0}");
        h.Append("</style></head><body><h1>Virtsim conformance</h1>");
        h.Append(CultureInfo.InvariantCulture, $"<p>{Cases.Count} cases. Virtsim's own device and driver must reject every case: ");
        h.Append(VirtsimFailed ? "<strong id=\"summary\">they did not</strong>" : "<strong id=\"summary\">they did</strong>").Append(".</p>");
        h.Append("<table id=\"matrix\"><thead><tr><th>case</th><th>section</th>");
        foreach (var p in Peers) h.Append("<th>").Append(HtmlText.Escape(p.Name())).Append("</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var c in Cases)
        {
            if (!Peers.Any(c.AppliesTo)) continue;
            h.Append("<tr><td title=\"").Append(HtmlText.Escape(c.Title)).Append("\">").Append(HtmlText.Escape(c.Id)).Append("</td><td>")
                .Append(HtmlText.Escape(c.Section)).Append("</td>");
            foreach (var p in Peers)
            {
                var r = Find(c, p);
                string cell = Cell(r, c.AppliesTo(p));
                string cls = r?.Verdict is { } v ? v.Name() : "na";
                h.Append("<td class=\"").Append(cls).Append("\" data-case=\"").Append(HtmlText.Escape(c.Id)).Append("\" data-peer=\"")
                    .Append(p.Name()).Append("\" title=\"").Append(HtmlText.Escape(r?.Reason)).Append("\">").Append(HtmlText.Escape(cell)).Append("</td>");
            }
            h.Append("</tr>");
        }
        h.Append("</tbody></table><h2>Details</h2>");
        foreach (var r in Results)
        {
            h.Append("<h3>").Append(HtmlText.Escape($"{r.Case.Id} on {r.Peer.Name()}: {(r.Verdict is { } v ? v.Name() : "n/a")}")).Append("</h3>");
            h.Append("<p>").Append(HtmlText.Escape(r.Case.Title)).Append(". <em>").Append(HtmlText.Escape(r.Case.Requirement)).Append("</em> (")
                .Append(HtmlText.Escape(r.Case.Section)).Append(")</p><p>").Append(HtmlText.Escape(r.Reason)).Append("</p>");
            if (r.PeerOutput.Count > 0) h.Append("<pre>").Append(HtmlText.Escape(string.Join('\n', r.PeerOutput))).Append("</pre>");
        }
        h.Append("</body></html>");
        return h.ToString();
    }
}
