using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// <c>virtsim run SCENARIO --local-nodes 3</c> as a process: it starts a throwaway PostgreSQL server and three node
/// processes, node-1 runs the scenario (journaling to that server), the report is printed, and afterwards no node
/// process and no temporary server folder is left.
/// </summary>
public partial class LocalNodesRunTests
{
    private const string Scenario = """
        scenario { name = local-nodes-test, seed = 7, persistence = true, max-virtual-time = 60s }
        hosts = [ { name = h1, vms = [ { name = vm1, memory = 128MiB, devices = [
          { name = blk0, type = blk, transport = pci, vendor = acme-vf, requests = 300, disk-sectors = 4096 }
        ] } ] } ]
        """;

    [GeneratedRegex(@"local nodes: (node-\d) up at (\S+) \(pid (\d+)\)")]
    private static partial Regex UpLine();

    [GeneratedRegex(@"throwaway PostgreSQL server on 127\.0\.0\.1:\d+ \((\S+)\)")]
    private static partial Regex ServerLine();

    [Fact]
    public async Task Three_local_nodes_run_a_persistent_scenario_and_are_gone_afterwards()
    {
        await using var cluster = new TestCluster();
        string scenario = cluster.File("scenario", Scenario);
        var (code, stdout, stderr) = await TestCluster.RunOnLocalNodesAsync(scenario, "virtsim run --local-nodes 3");
        Assert.True(code == 0, $"exit {code}: {stderr}");

        var ups = UpLine().Matches(stderr);
        Assert.Equal(["node-1", "node-2", "node-3"], ups.Select(m => m.Groups[1].Value));
        Assert.Contains("node-1 runs local-nodes-test in real time", stderr);
        Assert.Contains("persistence ids under run/local-nodes-test/7/", stderr);
        using var report = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal("passed", report.RootElement.GetProperty("outcome").GetString());
        Assert.True(report.RootElement.GetProperty("completed").GetBoolean());
        Assert.True(report.RootElement.GetProperty("requests").GetInt64() >= 300, "fewer requests than the workload's");
        Assert.True(report.RootElement.GetProperty("counters").GetProperty("diskEventsJournaled").GetInt64() > 0, "nothing was journaled to the shared store");

        // Nothing is left behind: the node processes have exited and the server's folder is gone.
        foreach (Match up in ups)
        {
            int pid = int.Parse(up.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(IsRunning(pid), $"{up.Groups[1].Value} (pid {pid}) is still running");
        }
        string folder = ServerLine().Match(stderr).Groups[1].Value;
        Assert.NotEqual("", folder);
        Assert.False(Directory.Exists(folder), $"the throwaway server's folder {folder} was left behind");
        Assert.Contains("local nodes: stopped", stderr);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
