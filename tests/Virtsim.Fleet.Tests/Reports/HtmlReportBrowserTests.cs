using System.Text.RegularExpressions;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Reports;
using Virtsim.TestSupport;

namespace Virtsim.Fleet.Tests.Reports;

/// <summary>
/// The HTML report in a real browser: headless Chromium (Debian package <c>chromium</c>, installed by scripts/test.sh)
/// loads the page with a probe script appended, lays it out, and the probe writes into the DOM what it measured: how
/// many charts and marks there are, how many marks have a drawn size, and any error the page raised.
/// </summary>
public sealed partial class HtmlReportBrowserTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const figures = [...document.querySelectorAll('figure.chart')];
          const marks = [...document.querySelectorAll('figure.chart svg .mark')];
          const drawn = marks.filter(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; });
          const sized = figures.filter(f => { const r = f.querySelector('svg')?.getBoundingClientRect(); return r && r.width > 100 && r.height > 20; });
          const out = document.createElement('pre');
          out.id = 'probe';
          out.textContent = `charts=${figures.length} sized=${sized.length} marks=${marks.length} drawn=${drawn.length} errors=${window.__errors.length}`;
          document.body.appendChild(out);
        });
        </script>
        """;

    [Fact]
    public void Chromium_lays_out_every_chart_and_every_mark_of_a_report_with_migrations()
    {
        var migrations = Enumerable.Range(0, 12).Select(i => HtmlRunReportTests.Moved($"h{i % 4}/vm{i}", $"h{i % 4}",
            i % 5 == 4 ? MigrationOutcome.RolledBack : MigrationOutcome.Completed, i * 3, 40 + i * 7, 1 + i % 4)).ToList();
        string html = HtmlRunReport.Render(HtmlRunReportTests.Spec, HtmlRunReportTests.Report(), "x.conf", "scenario { }", migrations);
        int expectedMarks = Regex.Matches(html, "class=\"mark\"").Count;
        int expectedCharts = Regex.Matches(html, "<figure class=\"chart\">").Count;
        Assert.True(expectedCharts >= 9, $"only {expectedCharts} charts");

        // Errors are collected from the start; the probe runs after layout (the load event).
        string page = HeadlessChromium.CollectErrors(html).Replace("</body>", Probe + "</body>");
        string file = Path.Combine(_folder, "report.html");
        File.WriteAllText(file, page);

        var probe = ProbeLine().Match(DumpDom(file));
        Assert.True(probe.Success, "the probe did not run: Chromium did not load the page");
        Assert.Equal(expectedCharts, int.Parse(probe.Groups["charts"].Value));
        Assert.Equal(expectedCharts, int.Parse(probe.Groups["sized"].Value));
        Assert.Equal(expectedMarks, int.Parse(probe.Groups["marks"].Value));
        Assert.Equal(expectedMarks, int.Parse(probe.Groups["drawn"].Value));
        Assert.Equal(0, int.Parse(probe.Groups["errors"].Value));
    }

    [Fact]
    public void Chromium_lays_out_the_wave_table_and_the_bytes_per_link_chart_of_a_real_wave_run()
    {
        var spec = Virtsim.Fleet.World.ScenarioLoader.Parse(Waves.WaveScenarioTests.Small);
        var report = Virtsim.Fleet.World.FleetRunner.Run(spec, 5);
        string html = HtmlRunReport.Render(spec, report, "wave.conf", "scenario { }", HtmlRunReport.MigrationsOf(spec, report));
        Assert.Contains("<h2>Migration waves</h2>", html);
        Assert.Contains("Bytes moved per link over time", html);
        Assert.Contains(">spine<", html);            // the cross-rack moves used the spine: one of the busiest links
        Assert.DoesNotContain("nothing to show", html);
        int expectedMarks = Regex.Matches(html, "class=\"mark\"").Count;
        int expectedCharts = Regex.Matches(html, "<figure class=\"chart\">").Count;
        Assert.True(expectedCharts >= 12, $"only {expectedCharts} charts");

        string page = html.Replace("<head>", "<head><script>window.__errors=[];window.addEventListener('error',e=>window.__errors.push(String(e.message)));</script>")
            .Replace("</body>", Probe + "</body>");
        string file = Path.Combine(_folder, "wave.html");
        File.WriteAllText(file, page);
        var probe = ProbeLine().Match(DumpDom(file));
        Assert.True(probe.Success, "the probe did not run: Chromium did not load the page");
        Assert.Equal(expectedCharts, int.Parse(probe.Groups["charts"].Value));
        Assert.Equal(expectedCharts, int.Parse(probe.Groups["sized"].Value));
        Assert.Equal(expectedMarks, int.Parse(probe.Groups["drawn"].Value));
        Assert.Equal(0, int.Parse(probe.Groups["errors"].Value));
    }

    [GeneratedRegex("charts=(?<charts>\\d+) sized=(?<sized>\\d+) marks=(?<marks>\\d+) drawn=(?<drawn>\\d+) errors=(?<errors>\\d+)")]
    private static partial Regex ProbeLine();

    private string DumpDom(string file) => HeadlessChromium.DumpDom(file, _folder);
}
