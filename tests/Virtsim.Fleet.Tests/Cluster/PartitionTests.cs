using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Hosting.Cluster.Probe;
using Virtsim.Tests.Shared;
using Xunit.Abstractions;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// A network partition of a three-node cluster sharing a PostgreSQL journal, made with <c>virtsim cluster
/// partition</c> (Akka.Remote's throttler in blackhole mode, <c>test.partition-control = on</c>): node-3, cut off
/// from node-1 and node-2 both ways, downs itself and exits 5; the majority downs it; every probe entity answers
/// from a survivor with its acknowledged value; each entity's journal holds exactly its acknowledged events (no
/// second writer's event got in; the refusals a second writer met are counted from the nodes' logs); after the
/// heal node-3 restarts and rejoins Up.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public partial class PartitionTests(PostgresServerFixture fixture, ITestOutputHelper output)
{
    private static string NodeFile(int index, int[] ports, string connection, string schema) => $$"""
        virtsim.node.name = node-{{index + 1}}
        virtsim.persistence { plugin = postgresql, postgresql { connection-string = {{JsonSerializer.Serialize(connection)}}, schema = {{schema}} } }
        virtsim.cluster {
          port = {{ports[index]}}
          roles = [devices]
          seed-nodes = [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}]
          test.partition-control = on
        }
        """;

    private static string Address(int port) => $"akka.trttl.tcp://virtsim@127.0.0.1:{port}";

    [Theory]
    [InlineData("127.0.0.1:4055", "127.0.0.1:4055", "--from: 127.0.0.1:4055 is the --node itself")]
    [InlineData("127.0.0.1:4055", "127.0.0.1", "--from: ")]
    [InlineData("nohost", "127.0.0.1:4053", "--node: ")]
    [InlineData("127.0.0.1:4055", ",", "--from: no member named")]
    public void Partition_refuses_a_bad_member_list_with_exit_2(string node, string from, string message)
    {
        // Checked before any node is asked: the file is not even read.
        var (code, _, errors) = CliHarness.Run("cluster", "partition", "--config", "unused.conf", "--node", node, "--from", from);
        Assert.Equal(2, code);
        Assert.Contains("virtsim: " + message, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_minority_side_of_a_partition_downs_itself_and_nothing_acknowledged_is_lost()
    {
        string schema = "partition_" + Guid.NewGuid().ToString("N")[..12];
        await using var cluster = new TestCluster();
        var (ports, files, nodes) = await cluster.StartThreeAsync((i, ports) => NodeFile(i, ports, fixture.Cluster.ConnectionString, schema));

        // Entities with acknowledged values, until two live on node-3 (new shards go to the region with the fewest).
        string minority = Address(ports[2]);
        var values = new Dictionary<string, long>();
        var onMinority = new List<string>();
        for (int i = 0; i < 30 && (onMinority.Count < 2 || values.Count < 6); i++)
        {
            var added = ProbeCommand.Run(files[0], $"p{i}", add: i + 1);
            Assert.NotNull(added);
            values[$"p{i}"] = i + 1;
            if (added.Value.Node == minority) onMinority.Add($"p{i}");
        }
        Assert.NotEmpty(onMinority);

        var (code, stdout, errors) = CliHarness.Run("cluster", "partition", "--config", files[0], "--node", $"127.0.0.1:{ports[2]}",
            "--from", $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}");
        Assert.True(code == 0, $"cluster partition exited {code}: {errors}");
        Assert.Contains($"cut: {minority} and {Address(ports[0])}, {Address(ports[1])} no longer reach each other", stdout, StringComparison.Ordinal);

        // The minority downs itself and exits 5 with its message; the majority stays up and downs it.
        Assert.True(await nodes[2].WaitForExitAsync(TestCluster.Patience), "node-3 did not stop behind the partition");
        Assert.True(nodes[2].ExitCode == 5, nodes[2].Errors);
        Assert.Contains("error: node node-3: the cluster downed this node", nodes[2].Errors, StringComparison.Ordinal);
        await TestCluster.StatusUntilAsync(files[0], s => !TestCluster.Members(s).Any(m => m.GetProperty("address").GetString() == minority && m.GetProperty("status").GetString() == "Up"));
        Assert.False(nodes[0].HasExited, nodes[0].Errors);
        Assert.False(nodes[1].HasExited, nodes[1].Errors);

        // Every acknowledged value is there, the minority's entities served by a survivor.
        var deadline = DateTime.UtcNow + TestCluster.Patience;
        foreach (var (entity, value) in values)
        {
            (long Value, long Adds, string Node)? again = null;
            while (again is null || again.Value.Node == minority)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{entity} did not answer again from a survivor");
                again = ProbeCommand.Run(files[0], entity);
            }
            Assert.Equal((value, 1L), (again.Value.Value, again.Value.Adds));
        }

        // At no time two writers: each journal holds exactly its acknowledged event. Refusals a second incarnation
        // met are logged by the nodes; 0 when the minority stopped its entities before the survivors started theirs.
        await using (var c = new NpgsqlConnection(fixture.Cluster.ConnectionString))
        {
            await c.OpenAsync();
            await using var rows = new NpgsqlCommand($"SELECT persistence_id, COUNT(*) FROM \"{schema}\".journal WHERE persistence_id LIKE 'virtsim-probe/%' GROUP BY persistence_id", c);
            var counts = new Dictionary<string, long>();
            await using (var reader = await rows.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
            }
            Assert.Equal(values.Keys.Select(k => $"virtsim-probe/{k}").Order(), counts.Keys.Order());
            Assert.All(counts.Values, n => Assert.Equal(1L, n));
        }
        int refusals = nodes.Sum(n => Regex.Count(n.Errors, Regex.Escape(ProbeEntity.RefusedWrite)));
        output.WriteLine($"entities {values.Count}, on the minority {onMinority.Count}; journal write refusals: {refusals}");

        // Heal (node-3 stopped: only the survivors have a cut to heal), restart node-3: it rejoins Up.
        (code, stdout, errors) = CliHarness.Run("cluster", "partition", "--config", files[0], "--node", $"127.0.0.1:{ports[2]}",
            "--from", $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}", "--heal");
        Assert.True(code == 0, $"cluster partition --heal exited {code}: {errors}");
        Assert.Contains("healed:", stdout, StringComparison.Ordinal);
        var restarted = cluster.Start(files[2]);
        await restarted.WaitUpAsync(TestCluster.Patience);
        await TestCluster.StatusUntilAsync(files[0], s => TestCluster.Members(s).Count(m => m.GetProperty("status").GetString() == "Up") == 3);
        Assert.Equal((values[onMinority[0]], 1L), ProbeCommand.Run(files[0], onMinority[0]) is { } after ? (after.Value, after.Adds) : (-1, -1));

        foreach (var node in new[] { nodes[0], nodes[1], restarted }) node.Terminate();
        foreach (var node in new[] { nodes[0], nodes[1], restarted })
        {
            Assert.True(await node.WaitForExitAsync(TestCluster.Patience));
            Assert.True(node.ExitCode == 0, node.Errors);
        }
    }
}
