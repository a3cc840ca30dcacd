using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Tests.Shared;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// kill -9 of a node of a three-node cluster sharing a PostgreSQL journal: the split-brain resolver downs it, and a
/// probe entity it hosted (a persistent counter, remember-entities) answers again from a survivor with its value;
/// <c>virtsim cluster probe</c> shows where the entity lives.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public partial class FailoverTests(PostgresServerFixture fixture)
{
    private static string NodeFile(int index, int[] ports, string connection, string schema) => $$"""
        virtsim.node.name = node-{{index + 1}}
        virtsim.persistence { plugin = postgresql, postgresql { connection-string = {{JsonSerializer.Serialize(connection)}}, schema = {{schema}} } }
        virtsim.cluster {
          port = {{ports[index]}}
          roles = [devices]
          seed-nodes = [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}]
        }
        """;

    [Fact]
    public async Task A_killed_node_is_downed_and_its_probe_entity_answers_again_from_a_survivor()
    {
        string schema = "failover_" + Guid.NewGuid().ToString("N")[..12];
        await using var cluster = new TestCluster();
        var (ports, files, nodes) = await cluster.StartThreeAsync((i, ports) => NodeFile(i, ports, fixture.Cluster.ConnectionString, schema));

        // Entities until one lives on node-3 (new shards go to the region with the fewest).
        string victim = $"akka.tcp://virtsim@127.0.0.1:{ports[2]}";
        string? entity = null;
        for (int i = 0; i < 30 && entity is null; i++)
        {
            var added = ProbeCommand.Run(files[0], $"e{i}", add: i + 1);
            Assert.NotNull(added);
            Assert.Equal((i + 1, 1), (added.Value.Value, added.Value.Adds));
            if (added.Value.Node == victim) entity = $"e{i}";
        }
        Assert.NotNull(entity);
        long expected = long.Parse(entity[1..], System.Globalization.CultureInfo.InvariantCulture) + 1;

        nodes[2].Kill();
        await TestCluster.StatusUntilAsync(files[0], s => !TestCluster.Members(s).Any(m => m.GetProperty("address").GetString() == victim && m.GetProperty("status").GetString() == "Up"));
        var deadline = DateTime.UtcNow + TestCluster.Patience;
        (long Value, long Adds, string Node)? again = null;
        while (again is null || again.Value.Node == victim)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{entity} did not answer again from a survivor");
            again = ProbeCommand.Run(files[0], entity);
        }
        Assert.Equal((expected, 1L), (again.Value.Value, again.Value.Adds));
        Assert.Contains(again.Value.Node, new[] { $"akka.tcp://virtsim@127.0.0.1:{ports[0]}", $"akka.tcp://virtsim@127.0.0.1:{ports[1]}" });

        // The survivors were not downed with it, and leave cleanly.
        foreach (var node in nodes.Take(2))
        {
            Assert.False(node.HasExited, node.Errors);
            node.Terminate();
        }
        foreach (var node in nodes.Take(2))
        {
            Assert.True(await node.WaitForExitAsync(TestCluster.Patience));
            Assert.True(node.ExitCode == 0, node.Errors);
        }

        await using var c = new NpgsqlConnection(fixture.Cluster.ConnectionString);
        await c.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{schema}\".journal WHERE persistence_id = 'virtsim-probe/{entity}'", c);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}
