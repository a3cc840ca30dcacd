using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Virtsim.Experiments.Interop;

/// <summary>A matrix run: every cell's result, the totals, the table, the JSON document and the HTML page.</summary>
/// <param name="Matrix">The matrix that ran.</param>
/// <param name="Results">One result per cell, in cell order.</param>
/// <param name="WallTime">How long the run took.</param>
public sealed record InteropReport(InteropMatrix Matrix, IReadOnlyList<CellResult> Results, TimeSpan WallTime)
{
    /// <summary>True when a cell expected to pass did not (the command exits 1).</summary>
    public bool Failed => Results.Any(r => r.UnexpectedFailure);

    /// <summary>Cells per outcome (every outcome, zero included).</summary>
    public IReadOnlyDictionary<CellOutcome, int> Totals =>
        CellOutcomes.All.ToDictionary(o => o, o => Results.Count(r => r.Outcome == o));

    /// <summary>The terminal table: a row per cell, then the totals and what failed unexpectedly.</summary>
    public string ToTable()
    {
        var rows = Results.Select(r => new[]
        {
            r.Cell.Driver.Name, r.Cell.Device.Name, r.Cell.TypeName, r.Cell.Transport.Name(), r.Cell.RingName, r.Cell.Features.Name,
            Mark(r), r.Negotiated.IsEmpty ? "-" : r.Negotiated.ToString(), r.MaskedNames is "" or "none" ? "-" : r.MaskedNames, r.Reason,
        }).ToList();
        string[] head = ["driver", "device", "type", "transport", "ring", "features", "result", "negotiated", "masked", "reason"];
        var widths = head.Select((h, i) => Math.Min(i == head.Length - 1 ? 200 : 40, rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        var s = new StringBuilder();
        void Line(string[] cells) => s.AppendLine(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Line(head);
        foreach (var row in rows) Line(row);
        s.AppendLine();
        s.AppendLine(Summary());
        foreach (var r in Results.Where(r => r.UnexpectedFailure))
        {
            s.AppendLine($"FAILED (expected to pass): {r.Cell.Id}: {r.Outcome.Name()}: {r.Reason}");
            foreach (var line in r.PeerOutput ?? []) s.AppendLine("  | " + line);
        }
        foreach (var r in Results.Where(r => r.UnexpectedPass))
            s.AppendLine($"passed although expected to fail ({r.Cell.ExpectFail}): {r.Cell.Id}");
        return s.ToString();
    }

    /// <summary>"N cells: x passed, ... in T s".</summary>
    public string Summary()
    {
        var parts = Totals.Where(t => t.Value > 0).Select(t => $"{t.Value} {t.Key.Name()}");
        int expected = Results.Count(r => r.Cell.ExpectFail != null && r.Outcome is not (CellOutcome.Passed or CellOutcome.Unavailable));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Results.Count} cells: {string.Join(", ", parts)}{(expected > 0 ? $" ({expected} of the failures expected)" : "")}; " +
            $"{Matrix.NotApplicable} combinations not applicable; {WallTime.TotalSeconds:0.0} s");
    }

    private static string Mark(CellResult r) => r.Outcome.Name() + (r.Cell.ExpectFail != null && r.Outcome != CellOutcome.Passed ? " (expected)" : "");

    /// <summary>The report as one JSON document.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("matrix", Matrix.Source);
            w.WriteNumber("cells", Results.Count);
            w.WriteNumber("notApplicable", Matrix.NotApplicable);
            w.WriteBoolean("failed", Failed);
            w.WriteNumber("wallTimeMs", Math.Round(WallTime.TotalMilliseconds));
            w.WriteStartObject("totals");
            foreach (var (outcome, count) in Totals) w.WriteNumber(outcome.Name(), count);
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var r in Results)
            {
                w.WriteStartObject();
                w.WriteString("driver", r.Cell.Driver.Name);
                w.WriteString("device", r.Cell.Device.Name);
                w.WriteString("type", r.Cell.TypeName);
                w.WriteString("transport", r.Cell.Transport.Name());
                w.WriteString("ring", r.Cell.RingName);
                w.WriteString("featureSet", r.Cell.Features.Name);
                w.WriteString("result", r.Outcome.Name());
                w.WriteString("reason", r.Reason);
                w.WriteBoolean("expectedToPass", r.Cell.ExpectFail is null);
                if (r.Cell.ExpectFail is { } why) w.WriteString("expectFailReason", why);
                w.WriteBoolean("unexpected", r.UnexpectedFailure || r.UnexpectedPass);
                w.WriteString("negotiated", r.Negotiated.ToString());
                w.WriteString("negotiatedNames", r.NegotiatedNames);
                w.WriteString("masked", r.Masked.ToString());
                w.WriteString("maskedNames", r.MaskedNames);
                w.WriteString("traffic", r.Traffic);
                w.WriteNumber("durationMs", Math.Round(r.Duration.TotalMilliseconds, 1));
                if (r.PeerOutput is { } output)
                {
                    w.WriteStartArray("peerOutput");
                    foreach (var line in output) w.WriteStringValue(line);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The self-contained HTML page (<see cref="InteropHtml"/>).</summary>
    public string ToHtml(string command) => InteropHtml.Render(this, command);
}
