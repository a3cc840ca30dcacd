using System.Text.Json;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Tests.Shared;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// <c>virtsim run SCENARIO --cluster FILE</c> across a running cluster: three <c>virtsim node</c> processes (roles
/// hosts, devices, backends) sharing a throwaway PostgreSQL journal; the command, given a node file that names the
/// seeds, has the hosts member run the world, the devices and blk backends go to the members of those roles, and the
/// report comes back and is printed; the nodes stay up. With no member answering it exits 5.
/// </summary>
[Collection(PostgresServerCollection.Name)]
public class ClusterRunTests(PostgresServerFixture fixture)
{
    private static readonly string[] Roles = ["hosts", "devices", "backends"];

    private const string Scenario = """
        scenario { name = cluster-run-test, seed = 5, persistence = true, max-virtual-time = 60s }
        hosts = [ { name = h1, vms = [
          { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = pci, vendor = acme-vf, requests = 200, disk-sectors = 4096 }
          ] }
          { name = vm2, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = mmio, vendor = swift-vhost, packed = true, requests = 200, disk-sectors = 4096 }
          ] }
        ] } ]
        placement { default-device-role = devices, default-backend-role = backends }
        """;

    private static string NodeFile(int index, int[] ports, string connection, string schema) => $$"""
        virtsim.node.name = node-{{index + 1}}
        virtsim.actors.dispatcher.type = threaded
        virtsim.persistence { plugin = postgresql, postgresql { connection-string = {{JsonSerializer.Serialize(connection)}}, schema = {{schema}} } }
        virtsim.cluster {
          port = {{ports[index]}}
          roles = [{{Roles[index]}}]
          seed-nodes = [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}]
        }
        """;

    [Fact]
    public async Task A_running_cluster_runs_a_placed_scenario_for_the_command_and_stays_up()
    {
        string schema = "cluster_run_" + Guid.NewGuid().ToString("N")[..12];
        await using var cluster = new TestCluster();
        var (ports, files, nodes) = await cluster.StartThreeAsync((i, ports) => NodeFile(i, ports, fixture.Cluster.ConnectionString, schema));
        string scenario = cluster.File("scenario", Scenario);

        // The devices node's file: the command finds the hosts member through the seeds, whichever file it is given.
        var (code, stdout, stderr) = CliHarness.Run("run", scenario, "--cluster", files[1], "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains($"cluster: the member at akka.tcp://virtsim@127.0.0.1:{ports[0]} runs cluster-run-test in real time (devices and backends placed", stderr);
        Assert.Contains("persistence ids under run/cluster-run-test/5/", stderr);
        Assert.StartsWith("seed: 5", stdout);
        using var report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = report.RootElement;
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        Assert.True(root.GetProperty("requests").GetInt64() >= 400, "fewer requests than the workloads'");
        Assert.Equal(0, root.GetProperty("ackedWritesLost").GetInt64());
        var counters = root.GetProperty("counters");
        // The devices ran on node-2: they reached the VMs' memory only by DMA messages, and none read unfetched bytes.
        Assert.True(counters.GetProperty("remoteDmaMessages").GetInt64() > 0, "no remote DMA: the devices ran beside their VMs");
        Assert.Equal(0, counters.TryGetProperty("remoteDmaMisses", out var misses) ? misses.GetInt64() : 0);
        Assert.True(counters.GetProperty("diskEventsJournaled").GetInt64() > 0, "the placed backends journaled nothing to the shared store");

        // The run leaves the cluster as it was: three members Up, every node process still running.
        var status = TestCluster.Status(files[0]);
        Assert.Equal(3, TestCluster.Members(status).Count(m => m.GetProperty("status").GetString() == "Up"));
        Assert.All(nodes, n => Assert.False(n.HasExited, $"a node exited: {n.Errors}"));
    }

    [Fact]
    public async Task No_member_answering_is_exit_5_with_the_seeds_named()
    {
        await using var folder = new TestCluster();
        int port = TestCluster.FreePort();
        // A memory store: a command that ran the world itself instead would write no database file.
        string file = folder.File("node", $$"""
            virtsim.persistence.plugin = memory
            virtsim.cluster { port = {{port}}, roles = [hosts], seed-nodes = ["127.0.0.1:{{port}}"] }
            """);
        string scenario = folder.File("scenario", Scenario);
        var (code, _, stderr) = CliHarness.Run("run", scenario, "--cluster", file);
        Assert.True(code == 5, $"exit {code}: {stderr}");
        Assert.Contains($"error: no node answered at 127.0.0.1:{port}", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
