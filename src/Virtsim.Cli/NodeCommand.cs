using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim node --config FILE</c>: runs one cluster member until SIGTERM or SIGINT (a graceful leave through
/// Akka.NET's coordinated shutdown, exit 0), until <c>virtsim cluster leave</c> makes it leave (exit 0), or until the
/// cluster downs it (exit 5). A line <c>node NAME up: ADDRESS ...</c> on stdout says it has joined.
/// </summary>
internal static class NodeCommand
{
    /// <summary>The start of the line printed once the node is Up.</summary>
    public const string UpLine = "node ";

    /// <summary>Builds the <c>node</c> command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var config = new Option<string>("--config")
        {
            Description = "The node file (HOCON, e.g. cluster-config/node-1.conf): virtsim.node.name, virtsim.cluster (address, seed nodes, " +
                          "roles, TLS, timings) and virtsim.persistence (PostgreSQL shared by the nodes; SQLite only for a node alone).",
            Required = true,
        };
        var command = new Command("node", "Run one cluster member (Akka.Cluster over Akka.Remote) in real time until SIGTERM/SIGINT " +
                                          "(graceful leave), `virtsim cluster leave`, or the cluster downs it.") { config };
        command.SetAction(r => Run(r.GetValue(config)!, stdout, stderr));
        return command;
    }

    private static int Run(string path, TextWriter stdout, TextWriter stderr)
    {
        if (!NodeFile.TryLoad(path, stderr, out var settings)) return ExitCodes.BadScenario;
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        ClusterNode node;
        try
        {
            node = ClusterNode.StartAsync(settings, Random.Shared.Next(), stop.Token).GetAwaiter().GetResult();
        }
        catch (PersistenceStoreException e)
        {
            stderr.WriteLine($"error: cannot use the persistence store: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("virtsim: stopped by a signal before the node joined");
            return ExitCodes.Ok;
        }
        string roles = settings.Cluster.Roles.Count == 0 ? "none" : string.Join(",", settings.Cluster.Roles);
        stdout.WriteLine($"{UpLine}{settings.Name} up: {node.Address} roles {roles} pid {Environment.ProcessId}");
        stdout.Flush();
        int stopped = Task.WaitAny(node.Terminated, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        if (stopped == 1)
        {
            stderr.WriteLine($"node {settings.Name}: leaving the cluster (signal)");
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            stdout.WriteLine($"node {settings.Name} stopped");
            return ExitCodes.Ok;
        }
        var reason = CoordinatedShutdown.Get(node.System).ShutdownReason;
        node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (reason is CoordinatedShutdown.ClusterDowningReason)
        {
            stderr.WriteLine($"error: node {settings.Name}: the cluster downed this node (it was unreachable, or on the minority side of a partition)");
            return ExitCodes.ClusterFailed;
        }
        stdout.WriteLine($"node {settings.Name} left the cluster");
        return ExitCodes.Ok;
    }
}
