using Virtsim.Experiments.Interop;
using Virtsim.Experiments.Tests.Conformance;
using Virtsim.TestSupport;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Tests.Interop;

/// <summary>
/// Interop cells against the real peers (dpdk-testpmd with net_vhost and net_virtio_user, qemu-storage-daemon; `bash
/// scripts/test.sh` installs them): traffic of the full volume comes back verified, and a peer stopped with SIGSTOP
/// once it started fails its cell as a timeout.
/// </summary>
[Collection(RealPeerCollection.Name)]
public class RealPeerInteropTests
{
    private static readonly InteropFeatureSet Default = InteropFeatureSet.BuiltIn.Single(f => f.Name == "default");

    private static InteropCell Cell(InteropDriver driver, InteropDevice device, VhostUserDeviceKind type, QueueFormat ring = QueueFormat.Split) =>
        new(driver, device, type, InteropTransport.VhostUser, ring, Default, null);

    private static CellResult Run(InteropCell cell, InteropOptions? options = null)
    {
        var result = InteropRunner.RunCell(cell, options ?? new InteropOptions { Requests = 200, Timeout = TimeSpan.FromSeconds(10) });
        Assert.True(result.Outcome != CellOutcome.Unavailable, result.Reason);
        return result;
    }

    [Fact]
    public void Virtsims_front_end_gets_every_frame_back_from_dpdk_net_vhost()
    {
        var r = Run(Cell(InteropDriver.VirtsimVhostUser, InteropDevice.DpdkVhost, VhostUserDeviceKind.Net, QueueFormat.Packed));
        Assert.True(r.Outcome == CellOutcome.Passed, $"{r.Outcome}: {r.Reason}");
        Assert.Equal("net: 200 sent, 200 verified, 0 lost", r.Traffic);
        Assert.Contains("RING_PACKED", r.NegotiatedNames);
    }

    [Fact]
    public void Virtsims_front_end_reads_back_the_whole_qemu_storage_daemon_disk()
    {
        var r = Run(Cell(InteropDriver.VirtsimVhostUser, InteropDevice.QsdBlk, VhostUserDeviceKind.Blk));
        Assert.True(r.Outcome == CellOutcome.Passed, $"{r.Outcome}: {r.Reason}");
        Assert.Equal("blk: 16384 KiB written, 16384 KiB verified", r.Traffic);
    }

    [Fact]
    public void Dpdk_net_virtio_user_forwards_every_injected_frame_back_intact()
    {
        var r = Run(Cell(InteropDriver.DpdkVirtioUser, InteropDevice.VirtsimVhostUser, VhostUserDeviceKind.Net));
        Assert.True(r.Outcome == CellOutcome.Passed, $"{r.Outcome}: {r.Reason}");
        Assert.Equal("net: 200 injected, 200 back, 200 verified, 0 wrong", r.Traffic);
    }

    [Theory]
    [InlineData("dpdk-vhost")]
    [InlineData("qsd-blk")]
    [InlineData("dpdk-virtio-user")]
    public void A_stalled_peer_fails_its_cell_as_a_timeout(string peer)
    {
        var cell = peer switch
        {
            "dpdk-vhost" => Cell(InteropDriver.VirtsimVhostUser, InteropDevice.DpdkVhost, VhostUserDeviceKind.Net),
            "qsd-blk" => Cell(InteropDriver.VirtsimVhostUser, InteropDevice.QsdBlk, VhostUserDeviceKind.Blk),
            _ => Cell(InteropDriver.DpdkVirtioUser, InteropDevice.VirtsimVhostUser, VhostUserDeviceKind.Net),
        };
        var r = Run(cell, new InteropOptions
        {
            Requests = 200, Timeout = TimeSpan.FromSeconds(2), PeerStarted = pid =>
            {
                Assert.True(ProcessSignal.Send(pid, ProcessSignal.Stop));
                WaitStopped(pid);
            },
        });
        Assert.True(r.Outcome == CellOutcome.Timeout, $"{r.Outcome}: {r.Reason} ({r.Traffic})");
    }

    // SIGSTOP is delivered asynchronously: a peer polling on another core could forward all the frames injected right
    // after the kill before it stops (it did once, 200 of 200). Wait until every thread of the process shows state T.
    private static void WaitStopped(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            bool all = Directory.EnumerateDirectories($"/proc/{pid}/task").All(task =>
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (IOException) { return true; } // a thread that ended meanwhile forwards nothing
                // The state follows the command name in parentheses, which may itself hold spaces.
                char state = stat[stat.LastIndexOf(')') + 2];
                return state is 'T' or 't';
            });
            if (all) return;
            Thread.Sleep(5);
        }
        Assert.Fail($"process {pid} did not stop within 30 s of SIGSTOP");
    }
}
