using System.Text.Json;
using Virtsim.Fleet.Tests.Cli;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// Three <c>virtsim node</c> processes on loopback form one cluster; <c>virtsim cluster status</c> shows them with
/// their roles and a leader; <c>virtsim cluster leave</c> removes one, whose process then exits by itself; SIGTERM
/// stops the others through coordinated shutdown with exit 0.
/// </summary>
public class ThreeNodeClusterTests
{
    private static readonly string[] Roles = ["hosts", "devices", "backends"];

    private static string NodeFile(int index, int[] ports) => $$"""
        virtsim.node.name = node-{{index + 1}}
        virtsim.persistence.plugin = memory
        virtsim.cluster {
          port = {{ports[index]}}
          roles = [{{Roles[index]}}]
          seed-nodes = [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}]
        }
        """;

    [Fact]
    public async Task Three_nodes_form_a_cluster_one_leaves_and_sigterm_stops_the_rest()
    {
        await using var cluster = new TestCluster();
        int[] ports = [TestCluster.FreePort(), TestCluster.FreePort(), TestCluster.FreePort()];
        string[] files = [.. Enumerable.Range(0, 3).Select(i => cluster.File($"node-{i + 1}", NodeFile(i, ports)))];
        var nodes = files.Select(cluster.Start).ToList();
        foreach (var node in nodes) await node.WaitUpAsync(TestCluster.Patience);

        var status = await TestCluster.StatusUntilAsync(files[0], s => TestCluster.Members(s).Count(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("info").ValueKind == JsonValueKind.Object) == 3);
        Assert.StartsWith("akka.tcp://virtsim@127.0.0.1:", status.GetProperty("leader").GetString());
        for (int i = 0; i < 3; i++)
        {
            var member = TestCluster.Members(status).Single(m => m.GetProperty("address").GetString() == $"akka.tcp://virtsim@127.0.0.1:{ports[i]}");
            Assert.Equal([Roles[i]], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.True(member.GetProperty("reachable").GetBoolean());
            Assert.Equal($"node-{i + 1}", member.GetProperty("info").GetProperty("name").GetString());
            Assert.Equal(nodes[i].Id, member.GetProperty("info").GetProperty("processId").GetInt32());
        }

        // The table a user reads names every node, its roles and the leader.
        var (code, table, tableErrors) = CliHarness.Run("cluster", "status", "--config", files[1]);
        Assert.True(code == 0, tableErrors);
        Assert.Contains("leader akka.tcp://virtsim@127.0.0.1:", table);
        for (int i = 0; i < 3; i++) Assert.Matches($@"akka\.tcp://virtsim@127\.0\.0\.1:{ports[i]}\s+node-{i + 1}\s+Up\s+yes\s+{Roles[i]}\s+{nodes[i].Id}", table);

        // node-3 leaves: the command waits for its removal, and its process exits 0 by itself.
        var (leaveCode, leaveOut, leaveErrors) = CliHarness.Run("cluster", "leave", "--config", files[2]);
        Assert.True(leaveCode == 0, leaveErrors);
        Assert.Contains($"akka.tcp://virtsim@127.0.0.1:{ports[2]} left the cluster (removed", leaveOut);
        Assert.True(await nodes[2].WaitForExitAsync(TestCluster.Patience), "the node that left did not exit");
        Assert.True(nodes[2].ExitCode == 0, nodes[2].Errors);
        Assert.Contains("node node-3 left the cluster", nodes[2].Output);
        status = await TestCluster.StatusUntilAsync(files[0], s => TestCluster.Members(s).Count() == 2);
        Assert.All(TestCluster.Members(status), m => Assert.Equal("Up", m.GetProperty("status").GetString()));

        // SIGTERM: coordinated shutdown, a graceful leave, exit 0.
        foreach (var node in nodes.Take(2)) node.Terminate();
        foreach (var node in nodes.Take(2))
        {
            Assert.True(await node.WaitForExitAsync(TestCluster.Patience), "SIGTERM did not stop a node");
            Assert.True(node.ExitCode == 0, node.Errors);
            Assert.Contains("stopped", node.Output);
        }
    }
}
