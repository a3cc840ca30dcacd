using System.Net;
using System.Net.Sockets;
using Virtsim.Fleet.Tests.Cli;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// Akka.Remote over TLS with the certificates of <c>virtsim cluster cert</c>: a node with a certificate of the
/// cluster's CA joins; a node without TLS, or with a certificate of another CA, is not admitted and exits non-zero;
/// and a raw TCP client sending random bytes to a node's port (TLS or plain) is dropped while the node stays up.
/// </summary>
public class TlsClusterTests
{
    private static string NodeFile(string name, int port, int seed, string? certificates, string node, string extra = "") => $$"""
        virtsim.node.name = {{name}}
        virtsim.persistence.plugin = memory
        virtsim.cluster {
          port = {{port}}
          roles = [devices]
          seed-nodes = ["127.0.0.1:{{seed}}"]
          join-timeout = 5s
          tls {
            enabled = {{(certificates is null ? "off" : "on")}}
            certificate = "{{certificates}}/{{node}}.pfx"
            ca = "{{certificates}}/ca.crt"
          }
        }
        {{extra}}
        """;

    private static void MakeCertificates(string folder, params string[] nodes)
    {
        var (code, output, errors) = CliHarness.Run("cluster", "cert", "--out", folder, "--nodes", string.Join(',', nodes));
        Assert.True(code == 0, errors);
        Assert.Contains("ca.crt", output);
    }

    /// <summary>Opens <paramref name="connections"/> connections to <paramref name="port"/>, each sending seeded random bytes, and closes them.</summary>
    private static async Task SendGarbageAsync(int port, int seed, int connections)
    {
        var random = new Random(seed);
        for (int i = 0; i < connections; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            byte[] bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            // Some connections start like an Akka frame or a TLS record, so that the garbage gets past the first byte.
            if (i % 3 == 1) bytes[0] = 0x16;
            if (i % 3 == 2 && bytes.Length >= 4) BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), random.Next());
            try
            {
                await stream.WriteAsync(bytes);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The node may drop the connection mid-write: what the test wants.
            }
        }
    }

    private static void AssertStatusShows(string config, int members)
    {
        var (code, output, errors) = CliHarness.Run("cluster", "status", "--config", config, "--json");
        Assert.True(code == 0, $"status exited {code}: {errors}");
        using var status = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(members, status.RootElement.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Only_nodes_with_a_certificate_of_the_cluster_ca_join()
    {
        await using var cluster = new TestCluster();
        string certificates = Path.Combine(cluster.Folder, "certs");
        string rogue = Path.Combine(cluster.Folder, "rogue");
        MakeCertificates(certificates, "a", "b");
        MakeCertificates(rogue, "c");
        int pa = TestCluster.FreePort(), pb = TestCluster.FreePort(), pc = TestCluster.FreePort(), pd = TestCluster.FreePort();

        string a = cluster.File("a", NodeFile("a", pa, pa, certificates, "a"));
        var nodeA = cluster.Start(a);
        Assert.Equal($"akka.ssl.tcp://virtsim@127.0.0.1:{pa}", await nodeA.WaitUpAsync(TestCluster.Patience));
        var nodeB = cluster.Start(cluster.File("b", NodeFile("b", pb, pa, certificates, "b")));
        Assert.Equal($"akka.ssl.tcp://virtsim@127.0.0.1:{pb}", await nodeB.WaitUpAsync(TestCluster.Patience));

        // Another CA's certificate, and no TLS at all: never admitted, a clear error after the join timeout.
        var nodeC = cluster.Start(cluster.File("c", NodeFile("c", pc, pa, rogue, "c")));
        var nodeD = cluster.Start(cluster.File("d", NodeFile("d", pd, pa, null, "d")));
        foreach (var outsider in new[] { nodeC, nodeD })
        {
            Assert.True(await outsider.WaitForExitAsync(TestCluster.Patience), "an outsider hung");
            Assert.Equal(5, outsider.ExitCode);
            Assert.Contains("was not admitted to the cluster within 5 s", outsider.Errors);
            Assert.DoesNotContain(" up: ", outsider.Output);
        }

        // Random bytes on the TLS port: dropped; the node stays up and still answers.
        await SendGarbageAsync(pa, seed: 12, connections: 30);
        Assert.False(nodeA.HasExited, nodeA.Errors);
        AssertStatusShows(a, 2);

        // A client without the cluster's certificate gets no answer.
        var (code, _, errors) = CliHarness.Run("cluster", "status", "--config", cluster.File("c-client", NodeFile("c", pc, pa, rogue, "c")));
        Assert.Equal(5, code);
        Assert.Contains("no node answered", errors);
    }

    [Fact]
    public async Task Random_bytes_on_a_plain_node_port_do_not_bring_it_down()
    {
        await using var cluster = new TestCluster();
        int port = TestCluster.FreePort();
        string file = cluster.File("plain", NodeFile("plain", port, port, null, "plain"));
        var node = cluster.Start(file);
        await node.WaitUpAsync(TestCluster.Patience);
        foreach (int seed in new[] { 1, 2, 3 }) await SendGarbageAsync(port, seed, connections: 20);
        Assert.False(node.HasExited, node.Errors);
        AssertStatusShows(file, 1);
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TestCluster.Patience));
        Assert.True(node.ExitCode == 0, node.Errors);
    }
}
