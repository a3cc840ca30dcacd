using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Reports;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Reports;

public sealed class HtmlRunReportTests
{
    internal static readonly WorldSpec Spec = ScenarioLoader.FromConfig(ScenarioLoader.ParseConfig("""
        scenario { name = "report <test>", seed = 5 }
        defaults { blk { requests = 10 }, net { requests = 10 } }
        hosts = [ { name = h1, vms = [ { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, vendor = acme-vf }, { name = net0, type = net, vendor = swift-vhost, packed = true } ] } ] } ]
        """, "report.conf"));

    internal static RunReport Report(params DeviceFailure[] failures) => new()
    {
        Scenario = "report <test>", Seed = 5, TraceHash = 0xabcdef, Messages = 1234, Completed = true, Requests = 20, Lost = 0, Duplicates = 0,
        IntegrityErrors = 0, VirtualTime = TimeSpan.FromMilliseconds(3), WallTime = TimeSpan.FromSeconds(1),
        Counters = new Dictionary<string, long> { ["Doorbells"] = 77, ["BlkRequests"] = 10 }, Failures = failures,
    };

    internal static HtmlRunReport.Migration Moved(string vm, string from, MigrationOutcome outcome, double startMs, double totalMs, int rounds) =>
        new(new MigrationResult
        {
            Vm = vm, From = from, To = "h9", Mode = MigrationMode.PreCopy, Outcome = outcome, Rounds = rounds,
            Reason = outcome == MigrationOutcome.Completed ? "" : "destination crashed",
            MemoryBytesSent = 64L << 20, Downtime = TimeSpan.FromMilliseconds(totalMs / 10), TotalTime = TimeSpan.FromMilliseconds(totalMs),
        }, TimeSpan.FromMilliseconds(startMs));

    private static XDocument Svg(string figure) => XDocument.Parse(figure);

    [Fact]
    public void A_run_without_migrations_shows_its_seed_replay_command_devices_counters_and_settings()
    {
        string html = HtmlRunReport.Render(Spec, Report(), "scenarios/x.conf", "scenario { name = x } # <mine>", []);
        Assert.Contains("virtsim run scenarios/x.conf --seed 5", html);
        Assert.Contains("0000000000abcdef", html);
        Assert.Contains("report &lt;test&gt;", html);        // names are escaped, never markup
        Assert.DoesNotContain("<test>", html);
        Assert.Contains("# &lt;mine&gt;", html);
        Assert.Equal(3, Count(html, "<figure class=\"chart\">")); // kind, vendor, transport and ring
        Assert.Contains(">Doorbells</th><td>77<", html);
        Assert.DoesNotContain("Migrations", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "")); // nothing to fetch
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void Migrations_get_outcomes_distributions_rounds_memory_failure_reasons_and_a_timeline()
    {
        var migrations = new[]
        {
            Moved("h1/vm1", "h1", MigrationOutcome.Completed, 5, 120, 3),
            Moved("h1/vm2", "h1", MigrationOutcome.Completed, 10, 80, 2),
            Moved("h2/vm1", "h2", MigrationOutcome.Failed, 7, 30, 1),
        };
        string html = HtmlRunReport.Render(Spec, Report(new DeviceFailure("h1/vm1/blk0", "driver gave up: timeout")), "x", null, migrations);
        Assert.Contains("Migrations by outcome", html);
        Assert.Contains("Downtime of completed migrations (CDF)", html);
        Assert.Contains("median 12 ms, n = 2", html);     // the two completed: 8 and 12 ms downtime
        Assert.Contains("Migrations that did not complete, by reason", html);
        Assert.Contains("destination crashed", html);
        Assert.Contains("Device failures by reason", html);
        Assert.Contains("driver gave up: timeout", html);
        var timeline = Figure(html, "Migration timeline by source host");
        Assert.Equal(3, Svg(timeline).Descendants().Count(e => (string?)e.Attribute("class") == "mark"));
        Assert.Contains("h2 failed: 7 ms to 37 ms", timeline);
        Assert.DoesNotContain("Settings", html);
    }

    [Fact]
    public void Every_chart_is_well_formed_svg_whatever_its_labels_and_values() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string[]>(), ArbMap.Default.ArbFor<NonNegativeInt[]>(), (labels, values) =>
        {
            var clean = labels.Where(l => l is not null).Select(l => new string(l.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).ToArray())).ToArray();
            int n = Math.Min(clean.Length, values.Length);
            var bars = Enumerable.Range(0, n).Select(i => (clean[i], (double)values[i].Get)).ToList();
            var spans = Enumerable.Range(0, n).Select(i => (clean[i], (double)values[i].Get, values[i].Get * 2.0 + 1, i % 2 == 0 ? "a&b" : "<c>")).ToList();
            foreach (var chart in new[]
                     {
                         SvgChart.Bars("<bars>", bars), SvgChart.Cdf("\"cdf\"", bars.Select(b => b.Item2).ToList(), " ms"),
                         SvgChart.Timeline("t&l", spans, " ms"),
                     })
            {
                var doc = Svg(chart); // throws on anything that is not well-formed
                int marks = doc.Descendants().Count(e => (string?)e.Attribute("class") == "mark");
                if (n == 0 ? marks != 0 : marks == 0) return false;
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    [Fact]
    public void A_long_label_is_cut_beside_the_plot_and_kept_whole_in_the_tooltip()
    {
        string reason = "blk0: swift-vhost cannot present the negotiated feature NOTIFICATION_DATA (bit 38)";
        var doc = Svg(SvgChart.Bars("reasons", [(reason, 1)]));
        Assert.Contains(doc.Descendants().Where(e => e.Name.LocalName == "text"), e => e.Value == "blk0: swift-vhost cannot\u2026");
        Assert.Contains(doc.Descendants().Where(e => e.Name.LocalName == "title"), e => e.Value.StartsWith(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Values_a_chart_cannot_draw_are_refused_with_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => SvgChart.Bars("x", [("a", double.NaN)]));
        Assert.Contains("NaN", e.Message);
        Assert.Throws<ArgumentException>(() => SvgChart.Timeline("x", [("a", 5, 4, "k")], " ms"));
    }

    internal static string Figure(string html, string caption)
    {
        int at = html.IndexOf($"<figcaption>{caption}</figcaption>", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no chart '{caption}'");
        int start = html.LastIndexOf("<figure", at, StringComparison.Ordinal);
        int end = html.IndexOf("</figure>", at, StringComparison.Ordinal) + "</figure>".Length;
        return html[start..end];
    }

    private static int Count(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
