using System.Text;

namespace Virtsim.Experiments.Swarm;

/// <summary>A swarm run's faults, and the scenario file that runs them.</summary>
public static class FaultPlan
{
    /// <summary>
    /// The scenario file of one swarm run: the base scenario's text as written, then a <c>faults</c> list that replaces
    /// the scenario's own (in HOCON a later value of a key replaces an earlier one).
    /// </summary>
    /// <param name="baseText">The base scenario's text.</param>
    /// <param name="faults">The plan.</param>
    /// <param name="comment">One line saying where the plan came from (swarm seed, shrinking).</param>
    /// <param name="hosts">A shrunk world's <c>hosts = [...]</c> line (<see cref="HostsOverride"/>), or null to keep the base's hosts.</param>
    public static string ScenarioText(string baseText, IReadOnlyList<PlannedFault> faults, string comment, string? hosts = null)
    {
        var text = new StringBuilder(baseText.TrimEnd()).Append("\n\n# ").Append(comment.Replace('\n', ' ')).Append('\n');
        if (hosts is not null) text.Append(hosts).Append('\n');
        if (faults.Count == 0) return text.Append("faults = []\n").ToString();
        text.Append("faults = [\n");
        foreach (var f in faults) text.Append("  ").Append(f.ToHocon()).Append('\n');
        return text.Append("]\n").ToString();
    }
}
