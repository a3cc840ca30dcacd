using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Cluster.Probe;
using Virtsim.Hosting.Node;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim cluster status|leave|probe --config FILE</c>: commands to a running cluster, sent as a remote client
/// (<see cref="AdminClient"/>) to the seed nodes the node file names; and <c>virtsim cluster cert</c>.
/// </summary>
internal static class ClusterCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Builds the <c>cluster</c> command and its subcommands.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var status = new Command("status", "Print the members (address, node name, status, reachability, roles, process id), the leader, " +
                                           "and which node hosts which sharded entity.");
        var statusConfig = ConfigOption();
        var statusNode = ContactOption("Ask this node (host:port) instead of the file's seed nodes.");
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON object." };
        status.Add(statusConfig);
        status.Add(statusNode);
        status.Add(json);
        status.SetAction(r => Status(r.GetValue(statusConfig)!, r.GetValue(statusNode), r.GetValue(json), stdout, stderr));

        var leave = new Command("leave", "Make a member leave the cluster gracefully (its shards hand off to the others) and wait until it is removed.");
        var leaveConfig = ConfigOption();
        var leaveNode = ContactOption("The member to leave (host:port or akka.tcp://name@host:port). Default: the node the file describes.");
        leave.Add(leaveConfig);
        leave.Add(leaveNode);
        leave.SetAction(r => Leave(r.GetValue(leaveConfig)!, r.GetValue(leaveNode), stdout, stderr));

        var probe = new Command("probe", "Read (or add to) a diagnostic probe entity: a persistent counter sharded across the nodes; prints its value and the node hosting it.");
        var probeConfig = ConfigOption();
        var entity = new Option<string>("--entity") { Description = "The probe entity's id.", Required = true };
        var add = new Option<long>("--add") { Description = "Add this to the counter (journaled before the answer); 0 only reads." };
        probe.Add(probeConfig);
        probe.Add(entity);
        probe.Add(add);
        probe.SetAction(r => Probe(r.GetValue(probeConfig)!, r.GetValue(entity)!, r.GetValue(add), stdout, stderr));

        var partition = new Command("partition", "For tests: cut a member off from others, both ways (messages and heartbeats dropped), or heal the cut. " +
                                                 "Every node named needs virtsim.cluster.test.partition-control = on.");
        var partitionConfig = ConfigOption();
        var partitionNode = new Option<string>("--node") { Description = "The member to cut off (host:port).", Required = true };
        var from = new Option<string>("--from") { Description = "The members to cut it off from (host:port, comma-separated).", Required = true };
        var heal = new Option<bool>("--heal") { Description = "Let the traffic between them through again." };
        partition.Add(partitionConfig);
        partition.Add(partitionNode);
        partition.Add(from);
        partition.Add(heal);
        partition.SetAction(r => Partition(r.GetValue(partitionConfig)!, r.GetValue(partitionNode)!, r.GetValue(from)!, r.GetValue(heal), stdout, stderr));

        return new Command("cluster", "Commands to a running cluster of `virtsim node` processes, and certificates for it.")
        {
            status, leave, probe, partition, CertCommand.Build(stdout, stderr),
        };
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "A node file of the cluster (its seed nodes are asked; its TLS certificate is presented).",
        Required = true,
    };

    private static Option<string?> ContactOption(string description) => new("--node") { Description = description };

    private static int Status(string path, string? contact, bool json, TextWriter stdout, TextWriter stderr) => WithClient(path, stderr, (settings, client) =>
    {
        var contacts = Contacts(settings, contact, stderr, exclude: null);
        if (contacts is null) return ExitCodes.UsageError;
        var status = client.StatusAsync(contacts).GetAwaiter().GetResult();
        if (json) stdout.WriteLine(JsonSerializer.Serialize(status, Json));
        else Print(status, stdout);
        return ExitCodes.Ok;
    });

    private static int Leave(string path, string? nodeText, TextWriter stdout, TextWriter stderr) => WithClient(path, stderr, (settings, client) =>
    {
        var target = settings.Cluster.Self;
        if (nodeText is not null)
        {
            var parsed = SeedNode.TryParse(nodeText, out string reason);
            if (parsed is null)
            {
                stderr.WriteLine($"virtsim: --node: {reason}");
                return ExitCodes.UsageError;
            }
            target = parsed;
        }
        // Ask another member when there is one: the leaving node cannot report its own removal.
        var contacts = settings.Cluster.EffectiveSeeds.Where(s => s != target).Append(target).ToList();
        string address = settings.Cluster.AddressOf(target);
        var (result, contactNode) = client.AskAnyAsync<LeaveResult>(contacts, new LeaveCommand(address), TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        if (result.Error is not null)
        {
            stderr.WriteLine($"error: {result.Error}");
            return ExitCodes.ClusterFailed;
        }
        stdout.WriteLine(result.Removed
            ? $"{address} left the cluster (removed, as seen by {contactNode}; its shards were handed off)"
            : $"{address} is leaving the cluster (it answered itself, so its removal could not be awaited)");
        return ExitCodes.Ok;
    });

    private static int Probe(string path, string entity, long add, TextWriter stdout, TextWriter stderr) => WithClient(path, stderr, (settings, client) =>
    {
        object message = add == 0 ? new ProbeGet(entity) : new ProbeAdd(entity, add);
        var (value, _) = client.AskAnyAsync<ProbeValue>(settings.Cluster.EffectiveSeeds, message, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"probe {value.EntityId}: value {value.Value} after {value.Adds} adds, on {value.Node}"));
        return ExitCodes.Ok;
    });

    private static int Partition(string path, string nodeText, string fromText, bool heal, TextWriter stdout, TextWriter stderr)
    {
        var node = SeedNode.TryParse(nodeText, out string reason);
        if (node is null)
        {
            stderr.WriteLine($"virtsim: --node: {reason}");
            return ExitCodes.UsageError;
        }
        var peers = new List<SeedNode>();
        foreach (string text in fromText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var peer = SeedNode.TryParse(text, out reason);
            if (peer is null || peer == node)
            {
                stderr.WriteLine($"virtsim: --from: {(peer is null ? reason : $"{text} is the --node itself")}");
                return ExitCodes.UsageError;
            }
            peers.Add(peer);
        }
        if (peers.Count == 0)
        {
            stderr.WriteLine("virtsim: --from: no member named");
            return ExitCodes.UsageError;
        }
        return WithClient(path, stderr, (settings, client) =>
        {
            var cluster = settings.Cluster;
            // Both ways: the node drops the peers' traffic, and each peer drops the node's.
            var orders = peers.Select(p => (Target: p, Peers: (IReadOnlyList<string>)[cluster.AddressOf(node)]))
                .Prepend((Target: node, Peers: peers.Select(cluster.AddressOf).ToList()));
            foreach (var (target, targetPeers) in orders)
            {
                PartitionResult result;
                try
                {
                    (result, _) = client.AskAnyAsync<PartitionResult>([target], new PartitionCommand(targetPeers, heal), NodeAdmin.QueryTimeout * 3).GetAwaiter().GetResult();
                }
                catch (ClusterNodeException) when (heal)
                {
                    // A node that stopped (the minority downs itself) took its throttle with it: nothing to heal there.
                    stderr.WriteLine($"note: {cluster.AddressOf(target)} did not answer; a stopped node has no cut to heal");
                    continue;
                }
                if (result.Error is not null)
                {
                    stderr.WriteLine($"error: {result.Node}: {result.Error}");
                    return ExitCodes.ClusterFailed;
                }
            }
            string others = string.Join(", ", peers.Select(cluster.AddressOf));
            stdout.WriteLine(heal ? $"healed: {cluster.AddressOf(node)} and {others} reach each other again" : $"cut: {cluster.AddressOf(node)} and {others} no longer reach each other (both ways)");
            return ExitCodes.Ok;
        });
    }

    private static int WithClient(string path, TextWriter stderr, Func<NodeSettings, AdminClient, int> command)
    {
        if (!NodeFile.TryLoad(path, stderr, out var settings)) return ExitCodes.BadScenario;
        try
        {
            var client = AdminClient.Start(settings.Cluster);
            try
            {
                return command(settings, client);
            }
            finally
            {
                client.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (ClusterNodeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ClusterFailed;
        }
    }

    private static List<SeedNode>? Contacts(NodeSettings settings, string? contact, TextWriter stderr, SeedNode? exclude)
    {
        if (contact is null) return settings.Cluster.EffectiveSeeds.Where(s => s != exclude).ToList();
        var node = SeedNode.TryParse(contact, out string reason);
        if (node is null) stderr.WriteLine($"virtsim: --node: {reason}");
        return node is null ? null : [node];
    }

    private static void Print(ClusterStatus status, TextWriter stdout)
    {
        stdout.WriteLine($"answered by {status.AnsweredBy}; leader {status.Leader ?? "none"}");
        stdout.WriteLine($"{"member",-40} {"node",-12} {"status",-8} {"reachable",-9} {"roles",-24} pid");
        foreach (var m in status.Members)
        {
            string roles = m.Roles.Count == 0 ? "-" : string.Join(",", m.Roles);
            string pid = m.Info is null ? "?" : m.Info.ProcessId.ToString(CultureInfo.InvariantCulture);
            stdout.WriteLine($"{m.Address,-40} {m.Info?.Name ?? "?",-12} {m.Status,-8} {(m.Reachable ? "yes" : "NO"),-9} {roles,-24} {pid}");
        }
        stdout.WriteLine("entities (type shard: ids) by node:");
        foreach (var m in status.Members)
        {
            if (m.Info is null)
            {
                stdout.WriteLine($"  {m.Address}: did not answer");
                continue;
            }
            var shards = m.Info.Regions.SelectMany(r => r.Shards.Select(s => $"{r.TypeName} {s.ShardId}: {string.Join(",", s.EntityIds)}")).ToList();
            stdout.WriteLine($"  {m.Info.Name} ({m.Address}): {(shards.Count == 0 ? "none" : string.Join("; ", shards))}");
        }
        stdout.WriteLine("placed devices and backends by node:");
        foreach (var m in status.Members)
        {
            if (m.Info is null) continue;
            var placed = m.Info.Placed ?? [];
            stdout.WriteLine($"  {m.Info.Name} ({m.Address}): {(placed.Count == 0 ? "none" : string.Join("; ", placed))}");
        }
    }
}
