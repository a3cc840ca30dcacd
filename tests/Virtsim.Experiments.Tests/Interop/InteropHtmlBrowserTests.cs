using System.Text.RegularExpressions;
using Virtsim.TestSupport;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// The interop matrix page of <c>virtsim interop --html</c> in headless Chromium: a probe appended to the page counts
/// the cells by result, the cells with a drawn box and a reason, and the errors the page raised.
/// </summary>
public sealed partial class InteropHtmlBrowserTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("virtsim-interop-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const cells = [...document.querySelectorAll('table.matrix td.cell')];
          const drawn = cells.filter(c => { const r = c.getBoundingClientRect(); return r.width > 20 && r.height > 10; });
          const reasons = cells.filter(c => (c.querySelector('.reason')?.textContent ?? '').length > 0);
          const count = k => cells.filter(c => c.dataset.result === k).length;
          const out = document.createElement('pre');
          out.id = 'probe';
          out.textContent = `cells=${cells.length} drawn=${drawn.length} reasons=${reasons.length} passed=${count('passed')} mismatch=${count('data-mismatch')} errors=${window.__errors.length}`;
          document.body.appendChild(out);
        });
        </script>
        """;

    [Fact]
    public void Chromium_shows_one_cell_per_matrix_entry_with_its_reason_and_no_error()
    {
        string matrix = Path.Combine(_folder, "m.conf");
        File.WriteAllText(matrix, InteropCommandTests.Planted);
        string html = Path.Combine(_folder, "m.html");
        var (code, stdout, stderr) = InteropCommandTests.Interop(matrix, "--json", "--html", html);
        Assert.True(code == 1, stderr);
        var results = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        int passed = results.Count(r => r.GetProperty("result").GetString() == "passed");
        int mismatched = results.Count(r => r.GetProperty("result").GetString() == "data-mismatch");
        Assert.True(mismatched > 0);

        string page = Path.Combine(_folder, "probe.html");
        File.WriteAllText(page, HeadlessChromium.CollectErrors(File.ReadAllText(html)).Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
        var probe = ProbeLine().Match(HeadlessChromium.DumpDom(page, _folder));
        Assert.True(probe.Success, "the probe did not run: Chromium did not load the page");
        Assert.Equal(results.Count, int.Parse(probe.Groups["cells"].Value));
        Assert.Equal(results.Count, int.Parse(probe.Groups["drawn"].Value));
        Assert.Equal(results.Count, int.Parse(probe.Groups["reasons"].Value));
        Assert.Equal(passed, int.Parse(probe.Groups["passed"].Value));
        Assert.Equal(mismatched, int.Parse(probe.Groups["mismatch"].Value));
        Assert.Equal(0, int.Parse(probe.Groups["errors"].Value));
    }

    [GeneratedRegex("cells=(?<cells>\\d+) drawn=(?<drawn>\\d+) reasons=(?<reasons>\\d+) passed=(?<passed>\\d+) mismatch=(?<mismatch>\\d+) errors=(?<errors>\\d+)")]
    private static partial Regex ProbeLine();
}
