using Virtsim.Fleet.Vendors;
using Virtsim.VhostUser.Backend;

namespace Virtsim.Experiments.Interop;

/// <summary>Which implementation plays a matrix device.</summary>
public enum InteropDeviceKind
{
    /// <summary>Virtsim's device model with a vendor profile's offer and quirks, in process (PCI or MMIO).</summary>
    Profile,
    /// <summary>Virtsim's vhost-user back-end (<c>virtsim vhost-user serve</c>), in process.</summary>
    VirtsimVhostUser,
    /// <summary>DPDK's net_vhost in dpdk-testpmd (io forwarding).</summary>
    DpdkVhost,
    /// <summary>qemu-storage-daemon's vhost-user-blk export.</summary>
    QsdBlk,
}

/// <summary>A device implementation of the matrix.</summary>
/// <param name="Name">The name in matrix files.</param>
/// <param name="Kind">The implementation.</param>
/// <param name="Profile">The vendor profile (for <see cref="InteropDeviceKind.Profile"/>), else null.</param>
public sealed record InteropDevice(string Name, InteropDeviceKind Kind, VendorProfile? Profile)
{
    /// <summary>Virtsim's vhost-user back-end.</summary>
    public static InteropDevice VirtsimVhostUser { get; } = new("virtsim-vhost-user", InteropDeviceKind.VirtsimVhostUser, null);

    /// <summary>DPDK's net_vhost.</summary>
    public static InteropDevice DpdkVhost { get; } = new("dpdk-vhost", InteropDeviceKind.DpdkVhost, null);

    /// <summary>qemu-storage-daemon's vhost-user-blk.</summary>
    public static InteropDevice QsdBlk { get; } = new("qsd-blk", InteropDeviceKind.QsdBlk, null);

    /// <summary>A vendor profile as a device.</summary>
    public static InteropDevice Of(VendorProfile profile) => new(profile.Name, InteropDeviceKind.Profile, profile);

    /// <summary>The real peers and Virtsim's vhost-user back-end.</summary>
    public static IReadOnlyList<InteropDevice> Peers { get; } = [VirtsimVhostUser, DpdkVhost, QsdBlk];

    /// <summary>True when the implementation has devices of <paramref name="type"/>.</summary>
    public bool Has(VhostUserDeviceKind type) => Kind switch
    {
        InteropDeviceKind.DpdkVhost => type == VhostUserDeviceKind.Net,
        InteropDeviceKind.QsdBlk => type == VhostUserDeviceKind.Blk,
        _ => true,
    };

    /// <summary>True when the device is reached over <paramref name="transport"/>.</summary>
    public bool Supports(InteropTransport transport) =>
        Kind == InteropDeviceKind.Profile ? transport != InteropTransport.VhostUser : transport == InteropTransport.VhostUser;
}
