using System.Text.Json;
using Virtsim.Fleet.World;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// A whole <see cref="RunReport"/> as JSON and back, for a report made on one node and printed by a client (every
/// field, unlike <see cref="RunReport.ToJson"/>, which is the user's summary).
/// </summary>
public static class RunReportJson
{
    /// <summary>
    /// The report as JSON, without the migrations' link usage and links (the HTML report's link charts: their types
    /// are not plain data and do not read back; a run with migrations across nodes reports them without the charts).
    /// </summary>
    public static string Write(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report with { LinkUsage = null, Links = null });
    }

    /// <summary>The report read back.</summary>
    /// <exception cref="JsonException">Not a report.</exception>
    public static RunReport Read(string json) => JsonSerializer.Deserialize<RunReport>(json) ?? throw new JsonException("null report");
}
