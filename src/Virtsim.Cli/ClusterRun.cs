using System.Runtime.InteropServices;
using Virtsim.Fleet.World;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Node;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim run SCENARIO --cluster FILE</c> when FILE names seed nodes: a client of that running cluster
/// (<see cref="AdminClient"/>, remoting only: it never joins) asks the seeds for the members, picks the member that
/// runs the world (<see cref="RunMember"/>: the first Up member with the role hosts) and has it run the scenario as
/// <c>--local-nodes</c> has node-1 run it; the scenario's placement puts devices and backends on the running members
/// of those roles. No member answering, or none with the role hosts, is exit 5.
/// </summary>
internal static class ClusterRun
{
    /// <summary>Runs <paramref name="spec"/> across the cluster of <paramref name="node"/>; returns the exit code.</summary>
    public static int Run(string path, WorldSpec spec, int seed, NodeSettings node, bool json, ReportTarget target, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        if (!RemoteRun.TryScenarioJson(path, stderr, out string scenarioJson)) return ExitCodes.BadScenario;
        stdout.WriteLine($"seed: {seed}");
        stdout.Flush();
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var seeds = node.Cluster.SeedNodes;
        stderr.WriteLine($"cluster: {node.Source} names the cluster {node.Cluster.Name} at {string.Join(", ", seeds)}; asking for its members");
        AdminClient client;
        try
        {
            client = AdminClient.Start(node.Cluster);
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        try
        {
            var (status, contact) = client.AskAnyAsync<ClusterStatus>(seeds, new MembersQuery(), NodeAdmin.QueryTimeout * 3).GetAwaiter().GetResult();
            if (RunMember.Pick(status, out string reason) is not { } member)
            {
                stderr.WriteLine($"error: {contact} answered, but {reason}");
                return ExitCodes.ClusterFailed;
            }
            return RemoteRun.Run(client, member, $"cluster: the member at {node.Cluster.AddressOf(member)}", spec, path, scenarioJson, seed, node,
                json, target, stdout, stderr, terminal, stop.Token);
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
