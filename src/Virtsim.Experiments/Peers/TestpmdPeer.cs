namespace Virtsim.Experiments.Peers;

/// <summary>DPDK's net_vhost device in testpmd (it creates the socket), io forwarding every frame back.</summary>
internal sealed class TestpmdPeer : IDevicePeer
{
    private readonly PeerProcess _process;
    private readonly string _prefix;

    private TestpmdPeer(PeerProcess process, string prefix, string socket)
    {
        _process = process;
        _prefix = prefix;
        Socket = socket;
    }

    public static TestpmdPeer StartVhost()
    {
        string socket = DevicePeers.NewSocket("dv");
        var (process, prefix) = Testpmd.Start($"--vdev=net_vhost0,iface={socket},queues=1", 1024);
        var peer = new TestpmdPeer(process, prefix, socket);
        if (!process.WaitFor("Press enter to exit", TimeSpan.FromSeconds(30)))
        {
            string tail = string.Join('\n', process.Log.Last(20));
            peer.Dispose();
            throw new InvalidOperationException("dpdk-testpmd (net_vhost) did not start forwarding:\n" + tail);
        }
        return peer;
    }

    public string Socket { get; }
    public bool Died(out string how) => _process.Exited(out how);
    public IReadOnlyList<string> Tail(int lines) => _process.Output(lines);

    public void Dispose()
    {
        _process.Dispose();
        Testpmd.Clean(_prefix);
        File.Delete(Socket);
    }
}
