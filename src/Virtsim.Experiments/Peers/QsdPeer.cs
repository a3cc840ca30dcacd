namespace Virtsim.Experiments.Peers;

/// <summary>qemu-storage-daemon exporting an image file as vhost-user-blk (it creates the socket).</summary>
internal sealed class QsdPeer : IDevicePeer
{
    /// <summary>Where the Debian package qemu-system-common installs it.</summary>
    public const string Binary = "/usr/bin/qemu-storage-daemon";

    private readonly PeerProcess _process;
    private readonly string _image;

    private QsdPeer(PeerProcess process, string socket, string image)
    {
        _process = process;
        Socket = socket;
        _image = image;
    }

    public static QsdPeer Start()
    {
        string socket = DevicePeers.NewSocket("qb");
        string image = Path.ChangeExtension(socket, ".img");
        using (var file = File.Create(image)) file.SetLength(16 << 20);
        var process = PeerProcess.Start(Binary,
        [
            "--blockdev", $"driver=file,node-name=file0,filename={image}",
            "--export", $"type=vhost-user-blk,id=exp0,node-name=file0,addr.type=unix,addr.path={socket},writable=on",
        ], "qemu-system-common");
        var peer = new QsdPeer(process, socket, image);
        if (!process.WaitForFile(socket, TimeSpan.FromSeconds(15)))
        {
            string tail = string.Join('\n', process.Log.Last(20));
            peer.Dispose();
            throw new InvalidOperationException("qemu-storage-daemon did not create its socket:\n" + tail);
        }
        return peer;
    }

    public string Socket { get; }
    public bool Died(out string how) => _process.Exited(out how);
    public IReadOnlyList<string> Tail(int lines) => _process.Output(lines);

    public void Dispose()
    {
        _process.Dispose();
        File.Delete(Socket);
        File.Delete(_image);
    }
}
