using Virtsim.VhostUser.Backend;

namespace Virtsim.Experiments.Conformance;

/// <summary>The implementations the suite runs against.</summary>
public enum ConformancePeer
{
    /// <summary>Virtsim's own vhost-user device (net and blk), in process.</summary>
    VirtsimDevice,
    /// <summary>Virtsim's own vhost-user driver (net and blk), in process.</summary>
    VirtsimDriver,
    /// <summary>DPDK's net_vhost device in dpdk-testpmd (io forwarding).</summary>
    DpdkVhost,
    /// <summary>DPDK's net_virtio_user driver in dpdk-testpmd (io forwarding).</summary>
    DpdkVirtioUser,
    /// <summary>qemu-storage-daemon's vhost-user-blk export.</summary>
    QsdBlk,
}

/// <summary>What each peer is: its command-line name, which side of the ring it plays and which device kinds it has.</summary>
public static class ConformancePeers
{
    /// <summary>Every peer, in report order.</summary>
    public static IReadOnlyList<ConformancePeer> All { get; } =
        [ConformancePeer.VirtsimDevice, ConformancePeer.VirtsimDriver, ConformancePeer.DpdkVhost, ConformancePeer.DpdkVirtioUser, ConformancePeer.QsdBlk];

    /// <summary>The name on the command line and in reports (virtsim-device, dpdk-vhost, ...).</summary>
    public static string Name(this ConformancePeer peer) => peer switch
    {
        ConformancePeer.VirtsimDevice => "virtsim-device",
        ConformancePeer.VirtsimDriver => "virtsim-driver",
        ConformancePeer.DpdkVhost => "dpdk-vhost",
        ConformancePeer.DpdkVirtioUser => "dpdk-virtio-user",
        _ => "qsd-blk",
    };

    /// <summary>Parses a peer name; null when unknown.</summary>
    public static ConformancePeer? Parse(string name) =>
        All.Cast<ConformancePeer?>().FirstOrDefault(p => p!.Value.Name() == name);

    /// <summary>True for Virtsim's own implementations, which must reject every case.</summary>
    public static bool IsVirtsim(this ConformancePeer peer) => peer is ConformancePeer.VirtsimDevice or ConformancePeer.VirtsimDriver;

    /// <summary>The side Virtsim plays hostile against this peer: a device peer gets a hostile driver.</summary>
    public static ViolationSide HostileSide(this ConformancePeer peer) =>
        peer is ConformancePeer.VirtsimDriver or ConformancePeer.DpdkVirtioUser ? ViolationSide.Device : ViolationSide.Driver;

    /// <summary>The device kinds the peer implements.</summary>
    public static IReadOnlyList<VhostUserDeviceKind> Devices(this ConformancePeer peer) => peer switch
    {
        ConformancePeer.VirtsimDevice or ConformancePeer.VirtsimDriver => [VhostUserDeviceKind.Net, VhostUserDeviceKind.Blk],
        ConformancePeer.QsdBlk => [VhostUserDeviceKind.Blk],
        _ => [VhostUserDeviceKind.Net],
    };
}
