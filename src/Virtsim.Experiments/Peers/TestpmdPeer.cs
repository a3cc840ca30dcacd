namespace Virtsim.Experiments.Peers;

/// <summary>DPDK's net_vhost device in testpmd (it creates the socket), io forwarding every frame back.</summary>
internal sealed class TestpmdPeer : ProcessDevicePeer
{
    private readonly string _prefix;

    private TestpmdPeer(PeerProcess process, string prefix, string socket) : base(process, socket) => _prefix = prefix;

    public static TestpmdPeer StartVhost()
    {
        string socket = DevicePeers.NewSocket("dv");
        var (process, prefix) = Testpmd.Start($"--vdev=net_vhost0,iface={socket},queues=1", 1024);
        return WhenReady(new TestpmdPeer(process, prefix, socket), p => p.WaitFor("Press enter to exit", TimeSpan.FromSeconds(30)),
            "dpdk-testpmd (net_vhost) did not start forwarding");
    }

    protected override void CleanUp() => Testpmd.Clean(_prefix);
}
