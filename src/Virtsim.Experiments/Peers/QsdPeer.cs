namespace Virtsim.Experiments.Peers;

/// <summary>qemu-storage-daemon exporting an image file as vhost-user-blk (it creates the socket).</summary>
internal sealed class QsdPeer : ProcessDevicePeer
{
    /// <summary>Where the Debian package qemu-system-common installs it.</summary>
    public const string Binary = "/usr/bin/qemu-storage-daemon";

    private readonly string _image;

    private QsdPeer(PeerProcess process, string socket, string image) : base(process, socket) => _image = image;

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
        return WhenReady(new QsdPeer(process, socket, image), p => p.WaitForFile(socket, TimeSpan.FromSeconds(15)),
            "qemu-storage-daemon did not create its socket");
    }

    protected override void CleanUp() => File.Delete(_image);
}
