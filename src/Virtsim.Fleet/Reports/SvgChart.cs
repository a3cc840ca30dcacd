using System.Globalization;
using System.Net;
using System.Text;

namespace Virtsim.Fleet.Reports;

/// <summary>
/// Small charts as inline SVG for the HTML run report: horizontal bars, a cumulative distribution, a timeline and series over time.
/// Pure text out, no script and nothing fetched, so the report opens anywhere without a network. Every chart is a
/// <c>figure</c> with the class <c>chart</c> and a caption; every mark has the class <c>mark</c> (what a test counts).
/// Written here because the charting packages the registry serves draw through native libraries (SkiaSharp) or
/// fetch their JavaScript at view time, and the report must be one self-contained file.
/// </summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Left = 180;   // room for labels
    private const int Right = 70;   // room for values
    private const int Row = 22;
    private const int Top = 10;
    private const int Axis = 28;
    private static readonly string[] Palette = ["#3b6fb6", "#e08a2c", "#4f9a5a", "#c4463a", "#8064a2", "#6b8e9f", "#b8860b", "#5a5a5a"];

    /// <summary>One horizontal bar per label, longest first in the order given.</summary>
    /// <param name="caption">What the chart shows.</param>
    /// <param name="bars">Label and value of each bar; values must be finite and at least 0.</param>
    /// <param name="unit">Appended to each value's label ("", " MiB", ...).</param>
    public static string Bars(string caption, IReadOnlyList<(string Label, double Value)> bars, string unit = "")
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) return Empty(caption);
        double max = Math.Max(bars.Max(b => CheckValue(b.Value)), 1e-12);
        int height = Top + bars.Count * Row + 6;
        var s = Open(caption, height);
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            double y = Top + i * Row;
            double w = (Width - Left - Right) * value / max;
            Text(s, Left - 6, y + 15, Shorten(label), "end");
            s.Append(CultureInfo.InvariantCulture, $"<rect class=\"mark\" x=\"{Left}\" y=\"{y + 3:0.#}\" width=\"{Math.Max(w, 1):0.#}\" height=\"{Row - 6}\" fill=\"{Palette[i % Palette.Length]}\"><title>");
            s.Append(Escape(label)).Append(": ").Append(Number(value)).Append(Escape(unit)).Append("</title></rect>");
            Text(s, Left + w + 6, y + 15, Number(value) + unit, "start");
        }
        return Close(s);
    }

    /// <summary>The cumulative distribution of <paramref name="values"/>: the share of values at most x, as steps.</summary>
    /// <param name="caption">What the chart shows.</param>
    /// <param name="values">The sample; values must be finite.</param>
    /// <param name="unit">The values' unit, shown on the axis.</param>
    public static string Cdf(string caption, IReadOnlyList<double> values, string unit)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return Empty(caption);
        var sorted = values.Select(CheckValue).Order().ToArray();
        double min = Math.Min(sorted[0], 0), max = sorted[^1] > min ? sorted[^1] : min + 1;
        const int plotHeight = 180;
        var s = Open(caption, Top + plotHeight + Axis);
        double X(double v) => Left + (Width - Left - Right) * (v - min) / (max - min);
        double Y(double share) => Top + plotHeight * (1 - share);
        var points = new StringBuilder();
        points.Append(CultureInfo.InvariantCulture, $"{X(sorted[0]):0.#},{Y(0):0.#}");
        for (int i = 0; i < sorted.Length; i++)
        {
            double before = (double)i / sorted.Length, after = (double)(i + 1) / sorted.Length;
            points.Append(CultureInfo.InvariantCulture, $" {X(sorted[i]):0.#},{Y(before):0.#} {X(sorted[i]):0.#},{Y(after):0.#}");
        }
        s.Append(CultureInfo.InvariantCulture, $"<polyline class=\"mark\" fill=\"none\" stroke=\"{Palette[0]}\" stroke-width=\"2\" points=\"{points}\"/>");
        AxisLines(s, plotHeight);
        Text(s, Left - 6, Y(1) + 4, "100%", "end");
        Text(s, Left - 6, Y(0.5) + 4, "50%", "end");
        Text(s, Left - 6, Y(0) + 4, "0%", "end");
        Text(s, Left, Top + plotHeight + 18, Number(min) + unit, "start");
        Text(s, Width - Right, Top + plotHeight + 18, Number(max) + unit, "end");
        Text(s, Left + (Width - Left - Right) / 2.0, Top + plotHeight + 18,
            $"median {Number(sorted[sorted.Length / 2])}{unit}, n = {sorted.Length}", "middle");
        return Close(s);
    }

    /// <summary>One row per label with its spans as bars along time (a Gantt chart).</summary>
    /// <param name="caption">What the chart shows.</param>
    /// <param name="spans">Row label, start and end (end at least start, finite), and the span's kind (one colour each).</param>
    /// <param name="unit">The times' unit, shown on the axis.</param>
    public static string Timeline(string caption, IReadOnlyList<(string Row, double Start, double End, string Kind)> spans, string unit)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0) return Empty(caption);
        var rows = spans.Select(x => x.Row).Distinct().ToList();
        var kinds = spans.Select(x => x.Kind).Distinct().ToList();
        double min = Math.Min(0, spans.Min(x => CheckValue(x.Start)));
        double max = spans.Max(x => CheckValue(x.End));
        if (max <= min) max = min + 1;
        int plotHeight = rows.Count * Row;
        var s = Open(caption, Top + plotHeight + Axis + Row);
        double X(double v) => Left + (Width - Left - Right) * (v - min) / (max - min);
        for (int r = 0; r < rows.Count; r++) Text(s, Left - 6, Top + r * Row + 15, Shorten(rows[r]), "end");
        foreach (var (row, start, end, kind) in spans)
        {
            if (end < start) throw new ArgumentException($"a span of {row} ends ({end}) before it starts ({start})", nameof(spans));
            double y = Top + rows.IndexOf(row) * Row + 3;
            s.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"mark\" x=\"{X(start):0.#}\" y=\"{y:0.#}\" width=\"{Math.Max(X(end) - X(start), 1):0.#}\" height=\"{Row - 6}\" fill=\"{Palette[kinds.IndexOf(kind) % Palette.Length]}\"><title>");
            s.Append(Escape($"{row} {kind}: {Number(start)}{unit} to {Number(end)}{unit}")).Append("</title></rect>");
        }
        AxisLines(s, plotHeight);
        Text(s, Left, Top + plotHeight + 18, Number(min) + unit, "start");
        Text(s, Width - Right, Top + plotHeight + 18, Number(max) + unit, "end");
        double legendX = Left;
        for (int k = 0; k < kinds.Count; k++)
        {
            double y = Top + plotHeight + Axis;
            s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX:0.#}\" y=\"{y:0.#}\" width=\"12\" height=\"12\" fill=\"{Palette[k % Palette.Length]}\"/>");
            Text(s, legendX + 16, y + 11, kinds[k], "start");
            legendX += 24 + 7 * kinds[k].Length;
        }
        return Close(s);
    }

    /// <summary>
    /// Values over time, one filled step line per series (bucket i spans [i x width, (i + 1) x width)), with a legend;
    /// each series is a mark.
    /// </summary>
    /// <param name="caption">What the chart shows.</param>
    /// <param name="series">Label and values of each series (finite, at least 0); series without a value above 0 are left out.</param>
    /// <param name="bucketWidth">The width of a bucket in <paramref name="xUnit"/>.</param>
    /// <param name="xUnit">The time axis' unit.</param>
    /// <param name="yUnit">The values' unit.</param>
    public static string Lines(string caption, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> series, double bucketWidth, string xUnit, string yUnit)
    {
        ArgumentNullException.ThrowIfNull(series);
        var shown = series.Where(x => x.Values.Any(v => CheckValue(v) > 0)).ToList();
        if (shown.Count == 0) return Empty(caption);
        int buckets = shown.Max(x => x.Values.Count);
        double max = shown.Max(x => x.Values.Max());
        const int plotHeight = 180;
        int legendRows = (shown.Count + 1) / 2;
        var s = Open(caption, Top + plotHeight + Axis + legendRows * Row);
        double X(double bucket) => Left + (Width - Left - Right) * bucket / buckets;
        double Y(double v) => Top + plotHeight * (1 - v / max);
        for (int k = 0; k < shown.Count; k++)
        {
            var values = shown[k].Values;
            var points = new StringBuilder();
            points.Append(CultureInfo.InvariantCulture, $"{X(0):0.#},{Y(0):0.#}");
            for (int i = 0; i < values.Count; i++)
                points.Append(CultureInfo.InvariantCulture, $" {X(i):0.#},{Y(values[i]):0.#} {X(i + 1):0.#},{Y(values[i]):0.#}");
            points.Append(CultureInfo.InvariantCulture, $" {X(values.Count):0.#},{Y(0):0.#}");
            string colour = Palette[k % Palette.Length];
            s.Append(CultureInfo.InvariantCulture,
                $"<polygon class=\"mark\" fill=\"{colour}\" fill-opacity=\"0.25\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{points}\"><title>");
            s.Append(Escape($"{shown[k].Label}: {Number(values.Sum())}{yUnit} in all")).Append("</title></polygon>");
        }
        AxisLines(s, plotHeight);
        Text(s, Left - 6, Y(max) + 4, Number(max) + yUnit, "end");
        Text(s, Left - 6, Y(0) + 4, "0", "end");
        Text(s, Left, Top + plotHeight + 18, "0" + xUnit, "start");
        Text(s, Width - Right, Top + plotHeight + 18, Number(buckets * bucketWidth) + xUnit, "end");
        Text(s, Left + (Width - Left - Right) / 2.0, Top + plotHeight + 18, $"per {Number(bucketWidth)}{xUnit}", "middle");
        for (int k = 0; k < shown.Count; k++)
        {
            double x = k % 2 == 0 ? 20 : Width / 2.0, y = Top + plotHeight + Axis + k / 2 * Row;
            s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"12\" height=\"12\" fill=\"{Palette[k % Palette.Length]}\"/>");
            Text(s, x + 16, y + 11, shown[k].Label, "start");
        }
        return Close(s);
    }

    /// <summary>Text safe inside HTML and SVG elements and attributes.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A number as the report prints it: integers plain, others with up to three significant decimals.</summary>
    public static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 100 ? "#,0.#" : "0.###", CultureInfo.InvariantCulture);

    // Labels left of the plot get its margin; the whole label stays in the mark's tooltip (and the tables below).
    private const int MaxLabelChars = 26;

    private static string Shorten(string label)
    {
        if (label.Length <= MaxLabelChars) return label;
        int keep = char.IsHighSurrogate(label[MaxLabelChars - 2]) ? MaxLabelChars - 2 : MaxLabelChars - 1; // never half a pair
        return string.Concat(label.AsSpan(0, keep).TrimEnd(), "\u2026");
    }

    private static double CheckValue(double value) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"a chart value must be finite (got {value})", nameof(value));

    private static string Empty(string caption) =>
        $"<figure class=\"chart empty\"><figcaption>{Escape(caption)}</figcaption><p>nothing to show</p></figure>";

    private static StringBuilder Open(string caption, int height)
    {
        var s = new StringBuilder();
        s.Append("<figure class=\"chart\"><figcaption>").Append(Escape(caption)).Append("</figcaption>");
        s.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{Escape(caption)}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">");
        return s;
    }

    private static string Close(StringBuilder s) => s.Append("</svg></figure>").ToString();

    private static void AxisLines(StringBuilder s, int plotHeight) =>
        s.Append(CultureInfo.InvariantCulture,
            $"<path d=\"M{Left},{Top} V{Top + plotHeight} H{Width - Right}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1\"/>");

    private static void Text(StringBuilder s, double x, double y, string text, string anchor) =>
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\">").Append(Escape(text)).Append("</text>");
}
