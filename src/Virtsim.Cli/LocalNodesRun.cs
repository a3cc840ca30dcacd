using System.Globalization;
using System.Runtime.InteropServices;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Cluster.Local;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim run SCENARIO --local-nodes N</c>: starts N <c>virtsim node</c> processes on loopback
/// (<see cref="LocalCluster"/>), has node-1 run the scenario in real time (<see cref="AdminClient.RunAsync"/>; the
/// scenario's placement may put devices and backends on the other nodes), prints its report as <c>virtsim run</c>
/// does, and stops the nodes and the throwaway store. SIGINT or SIGTERM ends the run early.
/// </summary>
internal static class LocalNodesRun
{
    /// <summary>Runs <paramref name="spec"/>; returns the exit code.</summary>
    public static int Run(string path, WorldSpec spec, int seed, NodeSettings node, int count, bool json, ReportTarget target, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        if (!RemoteRun.TryScenarioJson(path, stderr, out string scenarioJson)) return ExitCodes.BadScenario;
        if (NodeCrashProblem(spec, count) is { } problem)
        {
            stderr.WriteLine($"error: {problem}");
            return ExitCodes.BadScenario;
        }
        var store = node.Persistence.Plugin == PersistencePlugin.PostgreSql ? node.Persistence.PostgreSql : null;
        stdout.WriteLine($"seed: {seed}");
        stdout.Flush();
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        stderr.WriteLine($"local nodes: starting {count} node processes on 127.0.0.1 ({(store is null ? "a throwaway PostgreSQL server" : "the --cluster file's PostgreSQL")} as the store)");
        LocalCluster cluster;
        try
        {
            cluster = LocalCluster.StartAsync(VirtsimCommand.Current(typeof(CliApp).Assembly.Location), count, store, stderr, stop.Token).GetAwaiter().GetResult();
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("virtsim: stopped by a signal before the nodes were up");
            return ExitCodes.Ok;
        }
        try
        {
            return RunOnNode1(cluster, spec, path, scenarioJson, seed, node, json, target, stdout, stderr, terminal, stop.Token);
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        finally
        {
            stderr.WriteLine("local nodes: stopping the nodes");
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            stderr.WriteLine("local nodes: stopped");
        }
    }

    // A node-crash fault needs a node of its role that runs placed actors (checked before any node starts).
    private static string? NodeCrashProblem(WorldSpec spec, int count)
    {
        foreach (var crash in spec.NodeCrashes)
        {
            if (!Enumerable.Range(0, count).Any(i => LocalCluster.RoleOf(i) == crash.Role))
                return $"{crash.Position}: node-crash of role {crash.Role}: --local-nodes {count} starts no node with it (roles go hosts, devices, backends in turn)";
            bool placed = spec.AllDevices().Any(d =>
            {
                string path = $"{d.Host.Name}/{d.Vm.Name}/{d.Device.Name}";
                string deviceRole = spec.Placement.DeviceRole(path);
                return deviceRole == crash.Role
                       || (d.Device.Kind == Fleet.Devices.DeviceKind.Blk && spec.Placement.BackendRole(path) is { } b && b != deviceRole && b == crash.Role);
            });
            if (!placed)
                return $"{crash.Position}: node-crash of role {crash.Role}: the scenario's placement puts no device or blk backend there (placement {{ default-device-role = devices, default-backend-role = backends }})";
        }
        return null;
    }

    // SIGKILL of the node that runs what the run placed on the crash's role; node-1 hears when, for the failover times.
    private static void KillNode(LocalCluster cluster, AdminClient client, ClusterSettings member, NodeCrashSpec crash, TimeSpan elapsed, TextWriter stderr)
    {
        if (cluster.NodeOfRole(crash.Role) is not int index) return;
        var victim = cluster.Nodes[index];
        victim.Kill();
        long killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string name = $"node-{index + 1}";
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"local nodes: {name} ({crash.Role}, pid {victim.Id}) killed with SIGKILL at {elapsed.TotalSeconds:0.0} s (node-crash at {crash.At.TotalSeconds:0.###} s)"));
        client.Admin(member.Self).Tell(new NodeKilled(crash.Role, name, killedAt));
    }

    private static int RunOnNode1(LocalCluster cluster, WorldSpec spec, string path, string scenarioJson, int seed, NodeSettings node, bool json, ReportTarget target,
        TextWriter stdout, TextWriter stderr, bool terminal, CancellationToken stop)
    {
        ClusterSettings member;
        try
        {
            member = NodeSettingsLoader.Load(cluster.Files[0]).Cluster;
        }
        catch (HoconException e)
        {
            throw new ClusterNodeException($"the node file written for node-1 does not load: {e.Message}", e);
        }
        var client = AdminClient.Start(member);
        try
        {
            var crashes = new Queue<NodeCrashSpec>(spec.NodeCrashes.OrderBy(c => c.At));
            return RemoteRun.Run(client, member.Self, "local nodes: node-1", spec, path, scenarioJson, seed, node, json, target, stdout, stderr, terminal, stop,
                elapsed =>
                {
                    while (crashes.TryPeek(out var crash) && elapsed >= crash.At) KillNode(cluster, client, member, crashes.Dequeue(), elapsed, stderr);
                });
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
