using System.Net;
using System.Net.Sockets;
using Virtsim.Tests.Shared;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// <c>virtsim node</c> as a process: it comes up as a cluster member and leaves through coordinated shutdown on
/// SIGTERM; bad input (a port in use, a seed nobody answers, an unknown role, a store that cannot be reached) is one
/// clear error and a non-zero exit, never a hang.
/// </summary>
public class NodeCommandTests
{
    private static string Alone(int port, string extra = "") => $$"""
        virtsim.node.name = alone
        virtsim.persistence.plugin = memory
        virtsim.cluster { port = {{port}}, roles = [hosts] }
        {{extra}}
        """;

    [Fact]
    public async Task A_node_comes_up_and_sigterm_makes_it_leave_through_coordinated_shutdown()
    {
        await using var cluster = new TestCluster();
        int port = TestCluster.FreePort();
        var node = cluster.Start(cluster.File("alone", Alone(port)));
        string address = await node.WaitUpAsync(TestCluster.Patience);
        Assert.Equal($"akka.tcp://virtsim@127.0.0.1:{port}", address);
        Assert.Contains("roles hosts", node.Output);
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience), "SIGTERM did not stop the node");
        Assert.True(node.ExitCode == 0, node.Errors);
        Assert.Contains("node alone stopped", node.Output);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error()
    {
        await using var cluster = new TestCluster();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var node = cluster.Start(cluster.File("alone", Alone(port)));
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience), "the node hung on a port in use");
        Assert.Equal(5, node.ExitCode);
        Assert.Contains($"error: cannot listen on 127.0.0.1:{port}", node.Errors);
        Assert.DoesNotContain("   at ", node.Errors);
    }

    [Fact]
    public async Task A_seed_nobody_answers_is_an_error_after_the_join_timeout()
    {
        await using var cluster = new TestCluster();
        int port = TestCluster.FreePort(), nobody = TestCluster.FreePort();
        var node = cluster.Start(cluster.File("lost", Alone(port, $$"""virtsim.cluster { seed-nodes = ["127.0.0.1:{{nobody}}"], join-timeout = 3s }""")));
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience), "the node hung on a seed nobody answers");
        Assert.Equal(5, node.ExitCode);
        Assert.Contains($"was not admitted to the cluster within 3 s through the seed nodes 127.0.0.1:{nobody}", node.Errors);
        Assert.DoesNotContain(" up: ", node.Output);
    }

    [Fact]
    public async Task An_unknown_role_is_an_error_at_its_position()
    {
        await using var cluster = new TestCluster();
        string file = cluster.File("roles", "virtsim.persistence.plugin = memory\nvirtsim.cluster.roles = [hosts, gpus]\n");
        var node = cluster.Start(file);
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience));
        Assert.Equal(2, node.ExitCode);
        Assert.Contains("roles.conf:2:33", node.Errors);
        Assert.Contains("unknown role 'gpus' (known roles: hosts, devices, backends)", node.Errors);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_an_error()
    {
        await using var cluster = new TestCluster();
        int port = TestCluster.FreePort(), closed = TestCluster.FreePort();
        var node = cluster.Start(cluster.File("nostore", $$"""
            virtsim.persistence { plugin = postgresql, postgresql { host = "127.0.0.1", port = {{closed}}, user = postgres, database = postgres } }
            virtsim.cluster.port = {{port}}
            """));
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience), "the node hung on an unreachable store");
        Assert.Equal(5, node.ExitCode);
        Assert.Contains($"error: cannot use the persistence store: cannot reach PostgreSQL at 127.0.0.1:{closed}", node.Errors);
    }
}
