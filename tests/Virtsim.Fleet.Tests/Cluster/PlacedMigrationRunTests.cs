using System.Text.Json;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// A VM whose devices the scenario places on the devices role migrates pre-copy between two hosts of a real
/// <c>virtsim run --local-nodes 3</c> cluster: the arriving devices are built on the devices node (not under the
/// destination host), recover the migration snapshot from the shared PostgreSQL journal, and serve the destination's
/// guest memory by DMA messages after the switchover.
/// </summary>
public class PlacedMigrationRunTests
{
    // The migration starts while the workloads run (a placed device serves a few hundred requests a second here); the
    // net workloads are long enough that vm2 still sends to vm1 at the switchover, so frames sent to the old port are
    // lost by the migration (reported across nodes to vm1's workload by the placed device that held them).
    private const string Scenario = """
        scenario { name = placed-migration-run, seed = 3, persistence = true, max-virtual-time = 60s }
        defaults {
          blk { requests = 400, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
          net { requests = 1500, frame-size = 256, queue-depth = 8, queue-size = 64 }
        }
        hosts = [
          { name = h1, bandwidth = 10GiB/s, vms = [
            { name = vm1, memory = 128MiB, dirty-rate = 16MiB/s, working-set = 4MiB, devices = [
              { name = blk0, type = blk, transport = pci, vendor = acme-vf }
              { name = net0, type = net, transport = pci, vendor = swift-vhost } ] }
            { name = vm2, memory = 128MiB, devices = [
              { name = net0, type = net, transport = pci, vendor = swift-vhost } ] } ] }
          { name = h2, bandwidth = 10GiB/s }
        ]
        migrations = [ { vm = "h1/vm1", to = h2, at = 2s, mode = pre-copy, bandwidth = 1GiB/s } ]
        placement { default-device-role = devices }
        """;

    [Fact]
    public async Task A_VM_with_placed_devices_migrates_and_its_devices_serve_from_the_devices_node()
    {
        await using var cluster = new TestCluster();
        string scenario = cluster.File("placed-migration", Scenario);
        var (code, stdout, stderr) = await TestCluster.RunOnLocalNodesAsync(scenario, "the placed migration run");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var report = json.RootElement;

        var migration = Assert.Single(report.GetProperty("migrations").EnumerateArray());
        Assert.Equal("completed", migration.GetProperty("outcome").GetString());
        Assert.Equal("passed", report.GetProperty("outcome").GetString());
        Assert.True(report.GetProperty("completed").GetBoolean(), "the workloads did not finish after the switchover");
        Assert.Equal(0, report.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, report.GetProperty("integrityErrors").GetInt64());
        Assert.Equal(0, report.GetProperty("ackedWritesLost").GetInt64()); // read back from the arrived device's disk
        Assert.Equal(0, report.GetProperty("memoryMismatches").GetInt64());
        Assert.Equal(0, Counter(report, "remoteDmaMisses"));

        // Both devices of vm1 arrived on the devices node, and served there after the switchover.
        Assert.Equal(2, Counter(report, "placedArrivals"));
        Assert.True(Counter(report, "arrivedDeviceRequests") > 0, "the arrived devices completed no request");

        // Every frame once or lost by the migration: sent = delivered + lost (each lost one counted and reported to its
        // workload, which stopped waiting for it).
        long sent = Counter(report, "framesSent"), delivered = Counter(report, "framesDelivered");
        long lostByMigration = Counter(report, "framesLostByMigration");
        long lostByCrash = Counter(report, "netBackendFramesDropped") + Counter(report, "netDeviceFramesDropped");
        Assert.Equal(3000, sent);
        Assert.Equal(sent, delivered + lostByMigration + lostByCrash);
        Assert.Equal(lostByMigration + lostByCrash, report.GetProperty("lost").GetInt64());
        Assert.Equal(report.GetProperty("lost").GetInt64(), report.GetProperty("framesDroppedByCrash").GetInt64());
    }

    private static long Counter(JsonElement report, string name) => report.GetProperty("counters").GetProperty(name).GetInt64();
}
