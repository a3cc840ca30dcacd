using System.Globalization;
using System.Text.Json;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Node;

namespace Virtsim.Cli;

/// <summary>
/// Has one member of a running cluster run a scenario in its actor system (<see cref="AdminClient.RunAsync"/>, the
/// member's <c>ScenarioRunActor</c>; the scenario's placement puts devices and backends on members of their roles),
/// prints its progress on stderr and its report as <c>virtsim run</c> does. Shared by <c>--local-nodes</c> and
/// <c>--cluster</c>.
/// </summary>
internal static class RemoteRun
{
    /// <summary>The scenario at <paramref name="path"/> as resolved JSON for the member; false (said on <paramref name="stderr"/>) when it cannot be read.</summary>
    public static bool TryScenarioJson(string path, TextWriter stderr, out string scenarioJson)
    {
        try
        {
            scenarioJson = ScenarioSource.LoadConfig(path).ToJson();
            return true;
        }
        catch (Exception e) when (e is HoconException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            scenarioJson = "";
            return false;
        }
    }

    /// <summary>Runs <paramref name="spec"/> on <paramref name="member"/>; returns the exit code.</summary>
    /// <param name="client">The client of the member's cluster.</param>
    /// <param name="member">The member that runs the world.</param>
    /// <param name="label">The member as the messages name it ("node-1", "the member at ...").</param>
    /// <param name="spec">The scenario, loaded.</param>
    /// <param name="path">Where it came from.</param>
    /// <param name="scenarioJson">The scenario as resolved JSON, for the member.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="node">The node settings (the persistent actors' snapshot policy).</param>
    /// <param name="json">Print the report as JSON too.</param>
    /// <param name="target">Where the HTML report goes.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="terminal">True when stdout is a terminal.</param>
    /// <param name="stop">Ends the run early (its report still comes).</param>
    /// <param name="elapsed">Called with the run's wall time at each progress update (the local nodes' node-crash faults act on it).</param>
    /// <exception cref="ClusterNodeException">The member did not answer, or its report cannot be read.</exception>
    public static int Run(AdminClient client, SeedNode member, string label, WorldSpec spec, string path, string scenarioJson, int seed, NodeSettings node,
        bool json, ReportTarget target, TextWriter stdout, TextWriter stderr, bool terminal, CancellationToken stop, Action<TimeSpan>? elapsed = null)
    {
        string? prefix = spec.Persistent ? CliApp.RunPrefix(spec.Name, seed) : null;
        stderr.WriteLine($"{label} runs {spec.Name} in real time " +
                         (spec.PlacesActors ? "(devices and backends placed as the scenario's placement says)" : "(every actor of the world on that node)") +
                         (prefix is null ? "" : $", persistence ids under {prefix}"));
        var lastLine = TimeSpan.FromSeconds(-1);
        var finished = client.RunAsync(member, new RunScenario(scenarioJson, path, seed, prefix, node.SnapshotEvery, node.DeleteAfterSnapshot), p =>
        {
            var wall = TimeSpan.FromTicks(p.ElapsedTicks);
            elapsed?.Invoke(wall);
            if (wall - lastLine < TimeSpan.FromSeconds(1) && p.WorkloadsDone < p.Workloads) return;
            lastLine = wall;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"progress: {p.WorkloadsDone}/{p.Workloads} workloads done, {p.Requests} requests, {wall.TotalSeconds:0.0} s wall"));
        }, stop).GetAwaiter().GetResult();
        if (stop.IsCancellationRequested) stderr.WriteLine("virtsim: stopped by a signal; the report covers the run so far");
        if (finished.ReportJson is null)
        {
            stderr.WriteLine($"error: {finished.Error}");
            return ExitCodes.ClusterFailed;
        }
        RunReport report;
        try
        {
            report = RunReportJson.Read(finished.ReportJson);
        }
        catch (JsonException e)
        {
            throw new ClusterNodeException($"the report of {label} cannot be read: {e.Message}", e);
        }
        return CliApp.PrintReport(spec, report, json, target, stdout, stderr, terminal);
    }
}
