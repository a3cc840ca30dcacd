using System.Globalization;
using System.Text;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;

namespace Virtsim.Bench.Migration;

/// <summary>
/// <c>migration-wave [--hosts H] [--vms V] [--memory SIZE] [--working-set SIZE] [--seed N]</c>: a wave of V pre-copy
/// migrations under the deterministic simulation, from the first half of H hosts to the second (host i to host
/// i + H/2, 10 Gbit/s NICs, 1 GiB/s per migration), each VM with one blk device (VF and vhost-user alternately) whose
/// workload runs meanwhile; prints the outcomes, virtual and wall time and migrations per wall second. Guest memory is
/// sparse: what the run holds is two copies of every page the guests touched (their working sets), so the working set,
/// not the memory size, bounds the footprint.
/// </summary>
public static class MigrationWaveReport
{
    private const string Usage = "usage: migration-wave [--hosts H] [--vms V] [--memory SIZE] [--working-set SIZE] [--seed N]";

    /// <summary>Runs the wave; returns 0 when every migration completed and the run passed, 1 otherwise, 2 on a usage mistake.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        int hosts = 100, vms = 1000, seed = 1;
        string memory = "1GiB", workingSet = "1MiB";
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = value is not null && args[i] switch
            {
                "--hosts" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out hosts) && hosts >= 2,
                "--vms" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out vms) && vms >= 1,
                "--seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed),
                "--memory" => Assign(out memory, value),
                "--working-set" => Assign(out workingSet, value),
                _ => false,
            };
            if (!ok)
            {
                errors.WriteLine($"migration-wave: bad argument '{args[i]}' ({Usage})");
                return 2;
            }
            i++;
        }
        WorldSpec spec;
        try
        {
            spec = ScenarioLoader.Parse(Scenario(hosts, vms, memory, workingSet));
        }
        catch (Virtsim.Hocon.HoconException e)
        {
            errors.WriteLine($"migration-wave: {e.Message}");
            return 2;
        }
        var report = FleetRunner.Run(spec, seed);
        var outcomes = report.Migrations.GroupBy(m => MigrationNames.Of(m.Outcome)).Select(g => $"{g.Key} {g.Count()}");
        double wall = report.WallTime.TotalSeconds;
        output.WriteLine(FormattableString.Invariant(
            $"{report.Migrations.Count} migrations ({string.Join(", ", outcomes)}) of {memory} VMs (working set {workingSet}) over {hosts} hosts, seed {seed}: run {report.OutcomeName}"));
        output.WriteLine(FormattableString.Invariant(
            $"virtual {report.VirtualTime.TotalSeconds:0.000} s, wall {wall:0.000} s, {report.Messages:N0} messages; {report.Migrations.Count / wall:0.0} migrations per wall second"));
        if (report.Migrations.Count > 0)
        {
            output.WriteLine(FormattableString.Invariant(
                $"per migration: rounds {report.Migrations.Average(m => m.Rounds):0.0}, downtime {report.Migrations.Average(m => m.Downtime.TotalMilliseconds):0.0} ms, total {report.Migrations.Average(m => m.TotalTime.TotalSeconds):0.000} s (means)"));
        }
        return report.PassedChecks && report.Migrations.All(m => m.Outcome == MigrationOutcome.Completed) ? 0 : 1;
    }

    private static bool Assign(out string target, string value)
    {
        target = value;
        return true;
    }

    // The wave as a scenario: VMs spread evenly over the source hosts, each migrating to its host's partner at 1 ms.
    private static string Scenario(int hosts, int vms, string memory, string workingSet)
    {
        int sources = hosts / 2;
        var text = new StringBuilder();
        text.AppendLine("scenario { name = migration-wave, max-virtual-time = 3600s }");
        text.AppendLine($"defaults {{ vm {{ memory = {memory}, working-set = {workingSet} }}, blk {{ requests = 50, queue-depth = 4 }} }}");
        text.AppendLine("migration-defaults { bandwidth = 1GiB/s }");
        text.AppendLine("hosts = [");
        for (int h = 0; h < hosts; h++)
        {
            text.Append($"  {{ name = h{h}, vms = [");
            if (h < sources)
            {
                for (int v = h; v < vms; v += sources)
                    text.Append($"{(v == h ? " " : ", ")}{{ name = vm{v}, devices = [ {{ name = blk0, type = blk, vendor = {(v % 2 == 0 ? "acme-vf" : "swift-vhost")} }} ] }}");
            }
            text.AppendLine(" ] }");
        }
        text.AppendLine("]");
        text.AppendLine("migrations = [");
        for (int v = 0; v < vms; v++) text.AppendLine($"  {{ vm = \"h{v % sources}/vm{v}\", to = h{v % sources + sources}, at = 1ms }}");
        text.AppendLine("]");
        return text.ToString();
    }
}
