using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// <c>virtsim run --local-nodes 3</c> of a persistent scenario whose blk devices run on node-2 (devices) and their
/// backends on node-3 (backends), with a <c>node-crash</c> fault that kills node-2 or node-3 with SIGKILL mid-run: node-1
/// sees it removed and rebuilds what it ran on itself (no other member has the role). Rebuilt devices recover from the
/// shared journal (the split ring at its used index, the packed one through DEVICE_NEEDS_RESET) and serve again;
/// rebuilt backends recover their disks from snapshot + journal and the devices on node-2 resend what they had not
/// answered. The run passes every invariant: nothing lost or completed twice, every acknowledged write read back.
/// </summary>
public partial class PlacedFailoverTests
{
    private const string Scenario = """
        scenario { name = failover-test, seed = 3, persistence = true, max-virtual-time = 120s }
        defaults {
          blk { requests = 500, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
        }
        hosts = [ { name = h1, vms = [
          { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = pci, vendor = acme-vf } ] }
          { name = vm2, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = mmio, vendor = swift-vhost, packed = true } ] }
        ] } ]
        placement { default-device-role = devices, default-backend-role = backends }
        """;

    [Theory]
    [InlineData("devices", "node-2")]
    [InlineData("backends", "node-3")]
    public async Task Killing_a_node_mid_run_rebuilds_its_placed_actors_and_the_run_passes(string role, string node)
    {
        await using var cluster = new TestCluster();
        string scenario = cluster.File("failover", Scenario + $"\nfaults = [ {{ at = 5s, kind = node-crash, role = {role} }} ]\n");
        var (code, stdout, stderr) = await TestCluster.RunOnLocalNodesAsync(scenario, "the failover run");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        using var document = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var report = document.RootElement;

        // The kill happened during the run, after requests had completed, and requests completed after it.
        Assert.Contains($"{node} ({role}", stderr, StringComparison.Ordinal);
        long beforeKill = RequestsBeforeKill(stderr);
        long total = report.GetProperty("requests").GetInt64();
        Assert.True(beforeKill > 0, "the devices node was killed before any request completed:\n" + stderr);
        Assert.True(total > beforeKill, $"no request completed after the kill ({beforeKill} before, {total} in all)");

        Assert.Equal("passed", report.GetProperty("outcome").GetString());
        Assert.True(report.GetProperty("completed").GetBoolean());
        Assert.Equal(0, report.GetProperty("lost").GetInt64());
        Assert.Equal(0, report.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, report.GetProperty("integrityErrors").GetInt64());
        Assert.Equal(0, report.GetProperty("ackedWritesLost").GetInt64());
        Assert.All(report.GetProperty("invariants").EnumerateArray(), i => Assert.True(i.GetProperty("held").GetBoolean(), i.ToString()));

        Assert.Equal(1, Counter(report, "placedNodesLost"));
        Assert.Equal(2, Counter(report, "placedActorsRebuilt"));
        if (role == "devices")
        {
            // Each rebuilt device served again, some seconds after the kill (detection, downing, rebuild, recovery).
            Assert.Equal(2, Counter(report, "placedDevicesServedAgain"));
            Assert.InRange(Counter(report, "failoverTimeMedianMs"), 1, 60_000);
            Assert.True(Counter(report, "failoverTimeMaxMs") >= Counter(report, "failoverTimeMedianMs"));
        }
        else
        {
            // The devices lived on and resent to the rebuilt backends what the lost ones had not answered.
            Assert.Equal(0, Counter(report, "placedDevicesServedAgain"));
            Assert.True(Counter(report, "diskEventsJournaled") > 0);
        }
        Assert.Equal(0, Counter(report, "remoteDmaMisses"));
    }

    private static long Counter(JsonElement report, string name) => report.GetProperty("counters").GetProperty(name).GetInt64();

    // The requests of the last progress line before the kill's line.
    private static long RequestsBeforeKill(string stderr)
    {
        long requests = 0;
        foreach (string line in stderr.Split('\n'))
        {
            if (line.Contains("killed with SIGKILL", StringComparison.Ordinal)) return requests;
            var m = Progress().Match(line);
            if (m.Success) requests = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        return -1;
    }

    [GeneratedRegex(@"^progress: \d+/\d+ workloads done, (\d+) requests")]
    private static partial Regex Progress();
}
