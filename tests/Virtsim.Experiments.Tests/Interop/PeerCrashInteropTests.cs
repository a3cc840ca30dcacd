using System.Text.Json;
using Virtsim.Experiments.Interop;
using Virtsim.Experiments.Tests.Conformance;
using Virtsim.Hocon;
using Virtsim.TestSupport;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// A real peer (qemu-storage-daemon, dpdk-testpmd as net_vhost or as net_virtio_user) killed with SIGKILL during its
/// cell of a matrix run: the cell is peer-crashed with the signal and keeps the peer's command line and output (JSON,
/// table, HTML), the other cells still run and pass, and the report fails (the command exits 1).
/// </summary>
[Collection(RealPeerCollection.Name)]
public class PeerCrashInteropTests
{
    private const string Text = """
        drivers = [kernel, virtsim-vhost-user, dpdk-virtio-user]
        devices = [swift-vhost, virtsim-vhost-user, dpdk-vhost, qsd-blk]
        transports = [pci, vhost-user]
        rings = [split]
        requests = 64
        timeout = 10s
        """;

    // Which peer a process is, from its command line (testpmd plays two peers).
    private static string PeerOf(int pid)
    {
        string command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        return command.Contains("qemu-storage-daemon", StringComparison.Ordinal) ? "qsd-blk"
            : command.Contains("net_virtio_user", StringComparison.Ordinal) ? "dpdk-virtio-user"
            : "dpdk-vhost";
    }

    [Theory]
    [InlineData("qsd-blk", "/usr/bin/qemu-storage-daemon")]
    [InlineData("dpdk-vhost", "dpdk-testpmd")]
    [InlineData("dpdk-virtio-user", "dpdk-testpmd")]
    public void A_peer_killed_during_its_cell_is_reported_crashed_with_its_output_and_the_other_cells_run(string peer, string binary)
    {
        var matrix = MatrixLoader.Load(HoconConfig.Parse(Text), "crash.conf");
        // The killed peer's cell, the other real peers' cells and one in-process cell.
        var cells = matrix.Cells.Where(c => c.Device.Name is "qsd-blk" or "dpdk-vhost"
            || (c.Driver.Name == "dpdk-virtio-user") || (c.Driver.Name == "kernel" && c.TypeName == "blk")).ToList();
        Assert.Equal(4, cells.Count);
        int killed = 0;
        var options = matrix.Options with
        {
            PeerStarted = pid =>
            {
                if (PeerOf(pid) != peer) return;
                Assert.True(ProcessSignal.Send(pid, 9));
                Interlocked.Increment(ref killed);
            },
        };
        var report = InteropRunner.Run(matrix with { Cells = cells }, options);
        Assert.Equal(1, killed);
        Assert.DoesNotContain(report.Results, r => r.Outcome == CellOutcome.Unavailable);
        string Id(CellResult r) => r.Cell.Driver.Name == "dpdk-virtio-user" ? "dpdk-virtio-user" : r.Cell.Device.Name;
        var crashed = report.Results.Single(r => Id(r) == peer);
        Assert.True(crashed.Outcome == CellOutcome.PeerCrashed, $"{crashed.Outcome}: {crashed.Reason}");
        Assert.Contains("killed by signal 9 (SIGKILL)", crashed.Reason);
        Assert.NotNull(crashed.PeerOutput);
        Assert.StartsWith("$ ", crashed.PeerOutput![0]);
        Assert.Contains(binary, crashed.PeerOutput[0]);
        // testpmd talks (EAL, ports); qemu-storage-daemon says nothing until something goes wrong.
        if (binary == "dpdk-testpmd") Assert.True(crashed.PeerOutput.Count > 1, "testpmd's own output was not kept: " + string.Join(" | ", crashed.PeerOutput));
        Assert.All(report.Results.Where(r => r != crashed), r => Assert.True(r.Outcome == CellOutcome.Passed, $"{r.Cell.Id}: {r.Outcome}: {r.Reason}"));
        Assert.True(report.Failed);

        var json = JsonDocument.Parse(report.ToJson()).RootElement;
        Assert.True(json.GetProperty("failed").GetBoolean());
        Assert.Equal(1, json.GetProperty("totals").GetProperty("peer-crashed").GetInt32());
        var cell = json.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("result").GetString() == "peer-crashed");
        Assert.Equal(crashed.Reason, cell.GetProperty("reason").GetString());
        Assert.Equal(crashed.PeerOutput, cell.GetProperty("peerOutput").EnumerateArray().Select(l => l.GetString()!).ToList());
        Assert.All(json.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("result").GetString() == "passed"),
            r => Assert.False(r.TryGetProperty("peerOutput", out _)));
        Assert.Contains($"FAILED (expected to pass): {crashed.Cell.Id}: peer-crashed: {crashed.Reason}", report.ToTable());
        Assert.Contains("  | " + crashed.PeerOutput[0], report.ToTable());
        string html = report.ToHtml("virtsim interop crash.conf");
        Assert.Contains("data-result=\"peer-crashed\"", html);
        Assert.Contains("killed by signal 9 (SIGKILL)", html);
        Assert.Contains("<summary>peer output</summary><pre>$ ", html);
    }
}
