using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>Which implementation plays a matrix driver.</summary>
public enum InteropDriverKind
{
    /// <summary>Virtsim's in-process driver over the PCI or MMIO registers (<see cref="InProcessDriver"/>).</summary>
    InProcess,
    /// <summary>Virtsim's vhost-user front-end (<c>virtsim vhost-user drive</c>).</summary>
    VirtsimVhostUser,
    /// <summary>DPDK's net_virtio_user in dpdk-testpmd, forwarding what Virtsim's vhost-user device offers it.</summary>
    DpdkVirtioUser,
}

/// <summary>
/// A driver model of the matrix: who drives, how it learns about used buffers and whether it masks the features its
/// quirk table lists for the device's subsystem vendor id (<see cref="VendorProfiles.DriverMaskFor"/>, the table the
/// fleet's drivers use).
/// </summary>
/// <param name="Name">The name in matrix files.</param>
/// <param name="Kind">The implementation.</param>
/// <param name="Mode">Interrupt driven (kernel style) or poll mode.</param>
/// <param name="UsesQuirkTable">False: the driver masks nothing (a driver that does not know any vendor's quirks).</param>
public sealed record InteropDriver(string Name, InteropDriverKind Kind, DriverMode Mode, bool UsesQuirkTable)
{
    /// <summary>Kernel style: interrupts on, used rings read when an interrupt (MSI-X vector or line) arrives.</summary>
    public static InteropDriver Kernel { get; } = new("kernel", InteropDriverKind.InProcess, DriverMode.Interrupt, true);

    /// <summary>Poll mode (DPDK style): queue interrupts suppressed, used rings polled.</summary>
    public static InteropDriver Poll { get; } = new("poll", InteropDriverKind.InProcess, DriverMode.Poll, true);

    /// <summary>Virtsim's vhost-user front-end.</summary>
    public static InteropDriver VirtsimVhostUser { get; } = new("virtsim-vhost-user", InteropDriverKind.VirtsimVhostUser, DriverMode.Interrupt, false);

    /// <summary>DPDK's net_virtio_user (poll mode).</summary>
    public static InteropDriver DpdkVirtioUser { get; } = new("dpdk-virtio-user", InteropDriverKind.DpdkVirtioUser, DriverMode.Poll, false);

    /// <summary>The built-in driver models.</summary>
    public static IReadOnlyList<InteropDriver> BuiltIn { get; } = [Kernel, Poll, VirtsimVhostUser, DpdkVirtioUser];

    /// <summary>The features this driver masks for a device with <paramref name="subsystemVendorId"/>.</summary>
    public FeatureSet QuirkMask(ushort subsystemVendorId) => UsesQuirkTable ? VendorProfiles.DriverMaskFor(subsystemVendorId) : FeatureSet.None;

    /// <summary>True when the driver runs over <paramref name="transport"/>.</summary>
    public bool Supports(InteropTransport transport) =>
        Kind == InteropDriverKind.InProcess ? transport != InteropTransport.VhostUser : transport == InteropTransport.VhostUser;
}
