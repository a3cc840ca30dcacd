namespace Virtsim.Experiments.Peers;

/// <summary>A device peer that is a process of its own (testpmd, qemu-storage-daemon) listening on a socket it creates.</summary>
internal abstract class ProcessDevicePeer : IDevicePeer
{
    private readonly PeerProcess _process;

    protected ProcessDevicePeer(PeerProcess process, string socket)
    {
        _process = process;
        Socket = socket;
    }

    public string Socket { get; }

    public int? ProcessId => _process.Id;

    public bool Died(out string how) => _process.Exited(out how);

    public IReadOnlyList<string> Tail(int lines) => _process.Output(lines);

    /// <summary>
    /// Returns <paramref name="peer"/> once <paramref name="ready"/> says it is; otherwise stops it and throws with
    /// <paramref name="failure"/> and the last lines it printed.
    /// </summary>
    protected static T WhenReady<T>(T peer, Func<PeerProcess, bool> ready, string failure) where T : ProcessDevicePeer
    {
        if (ready(peer._process)) return peer;
        string tail = string.Join('\n', peer._process.Log.Last(20));
        peer.Dispose();
        throw new InvalidOperationException($"{failure}:\n{tail}");
    }

    /// <summary>Removes what the peer left besides its socket (a file prefix, an image); called after the process stopped.</summary>
    protected abstract void CleanUp();

    public void Dispose()
    {
        _process.Dispose();
        CleanUp();
        File.Delete(Socket);
    }
}
