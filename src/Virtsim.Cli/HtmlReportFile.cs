using Virtsim.Fleet.Reports;
using Virtsim.Fleet.World;

namespace Virtsim.Cli;

/// <summary>Where <c>run</c> writes its report: the scenario it names for the replay command and the HTML file, if any.</summary>
/// <param name="Scenario">The scenario as the user named it (a path or a built-in name).</param>
/// <param name="HtmlPath">The <c>--report</c> file; null: none.</param>
internal sealed record ReportTarget(string Scenario, string? HtmlPath);

/// <summary>Checks and writes <c>run --report FILE.html</c>.</summary>
internal static class HtmlReportFile
{
    // The scenario's text shown in the report is cut here: a generated fleet's file can be megabytes.
    private const int MaxSettingsChars = 256 * 1024;

    /// <summary>Why <paramref name="path"/> cannot take the report, or null when it can (checked before the run).</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0) return "the path is empty";
        if (Directory.Exists(path)) return "is a folder";
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(folder)) return $"its folder {folder} does not exist";
        return null;
    }

    /// <summary>Renders and writes the report (through a temporary file, so a failed write leaves no half page).</summary>
    /// <returns>False when it could not be written (said on <paramref name="stderr"/>).</returns>
    public static bool TryWrite(ReportTarget target, WorldSpec spec, RunReport report, TextWriter stderr)
    {
        string path = target.HtmlPath!;
        string temporary = path + ".tmp";
        try
        {
            string html = HtmlRunReport.Render(spec, report, target.Scenario, ScenarioSource.Text(target.Scenario, MaxSettingsChars),
                HtmlRunReport.MigrationsOf(spec, report));
            File.WriteAllText(temporary, html);
            File.Move(temporary, path, overwrite: true);
            stderr.WriteLine($"report: {path}");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: the report could not be written to {path}: {ex.Message}");
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return false;
        }
    }
}
