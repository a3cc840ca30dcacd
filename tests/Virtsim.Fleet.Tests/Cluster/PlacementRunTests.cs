using System.Text.Json;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// One scenario run three ways with <c>virtsim run --local-nodes 3</c> (node-1 hosts, node-2 devices, node-3 backends,
/// a throwaway PostgreSQL journal): every actor on node-1; the devices on node-2; the devices on node-2 and the blk
/// backends on node-3. Each run passes with the same integrity results (every workload done, nothing lost, no
/// duplicate, no integrity error, every acknowledged write read back from the disk wherever it lives); DMA crossed
/// nodes in the placed runs only, and every byte a placed device read had been fetched.
/// </summary>
public class PlacementRunTests
{
    private const string Scenario = """
        scenario { name = placement-test, seed = 3, persistence = true, max-virtual-time = 60s }
        defaults {
          blk { requests = 200, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
          net { requests = 200, frame-size = 256, queue-depth = 8, queue-size = 64 }
        }
        hosts = [ { name = h1, vms = [
          { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = pci, vendor = acme-vf }
            { name = net0, type = net, transport = pci, vendor = acme-vf } ] }
          { name = vm2, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = mmio, vendor = swift-vhost, packed = true }
            { name = net0, type = net, transport = pci, vendor = swift-vhost } ] }
        ] } ]
        """;

    [Fact]
    public async Task A_scenario_gives_the_same_results_with_devices_and_backends_on_other_nodes()
    {
        await using var cluster = new TestCluster();
        var local = await RunAsync(cluster, "local", "");
        var devices = await RunAsync(cluster, "devices", "placement { default-device-role = devices }");
        var both = await RunAsync(cluster, "both", "placement { default-device-role = devices, default-backend-role = backends }");

        foreach (var report in new[] { local, devices, both })
        {
            Assert.Equal("passed", report.GetProperty("outcome").GetString());
            Assert.True(report.GetProperty("completed").GetBoolean());
            Assert.Equal(0, report.GetProperty("lost").GetInt64());
            Assert.Equal(0, report.GetProperty("duplicates").GetInt64());
            Assert.Equal(0, report.GetProperty("integrityErrors").GetInt64());
            Assert.Equal(0, report.GetProperty("ackedWritesLost").GetInt64());
            Assert.Equal(0, Counter(report, "remoteDmaMisses"));
            // Every frame of the net ring delivered once: 2 x 200.
            Assert.Equal(400, Counter(report, "framesDelivered"));
            Assert.True(Counter(report, "diskEventsJournaled") > 0, "the backends journaled nothing");
        }
        Assert.Equal(0, Counter(local, "remoteDmaMessages"));
        Assert.Equal(0, Counter(local, "remoteDmaBytes"));
        foreach (var placed in new[] { devices, both })
        {
            Assert.True(Counter(placed, "remoteDmaMessages") > 0, "no DMA message crossed nodes");
            Assert.True(Counter(placed, "remoteDmaBytes") >= 200 * 4096, "the DMA messages carried less than the blk data");
            // The placed devices' own counters came back: they sent every blk request to a backend.
            Assert.True(Counter(placed, "backendRequests") >= 400, "the placed devices' counters are missing");
        }
    }

    private static long Counter(JsonElement report, string name) => report.GetProperty("counters").GetProperty(name).GetInt64();

    private static async Task<JsonElement> RunAsync(TestCluster cluster, string name, string placement)
    {
        string scenario = cluster.File(name, Scenario + "\n" + placement + "\n");
        var (code, stdout, stderr) = await TestCluster.RunOnLocalNodesAsync(scenario, $"the {name} run");
        Assert.True(code == 0, $"the {name} run: exit {code}: {stderr}\n{stdout}");
        using var report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return report.RootElement.Clone();
    }
}
