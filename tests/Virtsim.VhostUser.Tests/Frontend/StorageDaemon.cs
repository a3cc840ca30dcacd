using Virtsim.TestSupport;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// One qemu-storage-daemon exporting a raw image file as a vhost-user-blk device on a unix socket; killed in
/// <see cref="Dispose"/> if still running.
/// </summary>
internal sealed class StorageDaemon : IDisposable
{
    private readonly PeerProcess _process;

    private StorageDaemon(PeerProcess process) => _process = process;

    /// <summary>The binary, or null when qemu-system-common is not installed.</summary>
    public static string? Binary => File.Exists("/usr/bin/qemu-storage-daemon") ? "/usr/bin/qemu-storage-daemon" : null;

    public static StorageDaemon Start(string image, string socket)
    {
        string binary = Binary ?? throw new InvalidOperationException("qemu-storage-daemon is not installed");
        return new StorageDaemon(PeerProcess.Start(binary,
        [
            "--blockdev", $"driver=file,node-name=file0,filename={image}",
            "--export", $"type=vhost-user-blk,id=exp0,node-name=file0,addr.type=unix,addr.path={socket},writable=on",
        ]));
    }

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    /// <summary>Stops the daemon (SIGKILL: the image is a plain file and every write was completed, so nothing is lost).</summary>
    public void Dispose() => _process.Dispose();
}
