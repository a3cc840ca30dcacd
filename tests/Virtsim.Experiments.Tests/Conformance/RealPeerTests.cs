using Virtsim.Experiments.Conformance;

namespace Virtsim.Experiments.Tests.Conformance;

/// <summary>Real peers use both cores while they poll: their runs go one at a time, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealPeerCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "real peers";
}

/// <summary>
/// A handful of cases against the real peers (dpdk-testpmd with net_vhost and net_virtio_user, qemu-storage-daemon):
/// each gets a verdict from what the real process did, with that process's output kept. Which verdict is the peer's
/// business (a crash or a wedge is a finding, not a failure); that there is one, judged after a working baseline, is
/// the suite's.
/// </summary>
[Collection(RealPeerCollection.Name)]
public class RealPeerTests
{
    [Theory]
    [InlineData("dpdk-vhost", "split.desc-loop")]
    [InlineData("dpdk-vhost", "split.buffer-outside-memory")]
    [InlineData("dpdk-vhost", "init.feature-not-offered")]
    [InlineData("dpdk-virtio-user", "device.split.used-id-out-of-range")]
    [InlineData("dpdk-virtio-user", "device.split.used-len-too-large")]
    [InlineData("qsd-blk", "blk.no-status-byte")]
    [InlineData("qsd-blk", "split.head-out-of-range")]
    public void A_real_peer_gets_a_verdict_with_its_output(string peerName, string id)
    {
        var peer = ConformancePeers.Parse(peerName)!.Value;
        var report = ConformanceSuite.Run(new ConformanceOptions { Peers = [peer], CaseIds = [id] });
        var result = Assert.Single(report.Results);
        string seen = $"{peerName} {id}: {result.Verdict?.Name() ?? "n/a"}: {result.Reason}\n{string.Join('\n', result.PeerOutput)}";
        Assert.True(result.Verdict is { } v && v != Verdict.Error, seen);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason), seen);
        // The peer's own lines (testpmd's banner, qemu-storage-daemon's messages or the hostile device's log) are kept.
        Assert.NotEmpty(result.PeerOutput);
        Assert.False(report.VirtsimFailed);
    }

    [Fact]
    public void A_case_needing_what_the_peer_lacks_is_not_applicable_and_the_run_goes_on()
    {
        // qemu-storage-daemon does not offer the STATUS protocol feature, so there is no DRIVER_OK to notify before.
        var report = ConformanceSuite.Run(new ConformanceOptions
        {
            Peers = [ConformancePeer.QsdBlk], CaseIds = ["init.notify-before-driver-ok", "split.desc-self-loop"],
        });
        Assert.Equal(2, report.Results.Count);
        var notify = report.Results.Single(r => r.Case.Id == "init.notify-before-driver-ok");
        Assert.Null(notify.Verdict);
        Assert.Contains("STATUS", notify.Reason);
        Assert.NotNull(report.Results.Single(r => r.Case.Id == "split.desc-self-loop").Verdict);
        Assert.Contains(", 1 n/a", report.ToTable());
    }
}
