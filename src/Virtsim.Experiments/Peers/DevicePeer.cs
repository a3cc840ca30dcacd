using Virtsim.VhostUser.Backend;

namespace Virtsim.Experiments.Peers;

/// <summary>A vhost-user device under test, listening on <see cref="Socket"/>.</summary>
internal interface IDevicePeer : IDisposable
{
    /// <summary>The unix socket a front-end connects to.</summary>
    string Socket { get; }

    /// <summary>True (with how) when the device's process died.</summary>
    bool Died(out string how);

    /// <summary>The peer's process id, or null when it runs in this process.</summary>
    int? ProcessId { get; }

    /// <summary>The last lines of its output.</summary>
    IReadOnlyList<string> Tail(int lines);
}

/// <summary>Starts the device peers.</summary>
internal static class DevicePeers
{
    /// <summary>A fresh socket path in the temp folder (short: sun_path holds 107 bytes).</summary>
    public static string NewSocket(string tag) => Path.Combine(Path.GetTempPath(), $"vs-{tag}-{Guid.NewGuid().ToString("N")[..16]}.sock");

    /// <summary>Virtsim's own device (net with loopback, or blk on a RAM disk), in this process.</summary>
    public static IDevicePeer Virtsim(VhostUserDeviceKind kind) => new VirtsimDevicePeer(kind);

    /// <summary>DPDK's net_vhost in testpmd, io forwarding (every frame the driver sends comes back).</summary>
    public static IDevicePeer DpdkVhost() => TestpmdPeer.StartVhost();

    /// <summary>qemu-storage-daemon exporting a fresh 16 MiB image as vhost-user-blk.</summary>
    public static IDevicePeer QemuStorageDaemon() => QsdPeer.Start();
}
