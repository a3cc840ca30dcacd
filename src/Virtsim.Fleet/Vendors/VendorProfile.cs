using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>
/// A device implementation: a vendor's identity, the features it offers on top of (or instead of) the device type's
/// defaults, its quirks and its timing. Plain data; the fleet builds devices from it.
/// </summary>
public sealed record VendorProfile
{
    /// <summary>The profile's name in scenario files.</summary>
    public required string Name { get; init; }

    /// <summary>Hardware or software, and which kind.</summary>
    public required BackendKind Backend { get; init; }

    /// <summary>PCI subsystem vendor id (drivers key their quirk tables by it).</summary>
    public ushort SubsystemVendorId { get; init; } = 0x1AF4;

    /// <summary>Ring and transport features offered in addition to the device type's defaults (e.g. NOTIFICATION_DATA).</summary>
    public FeatureSet ExtraFeatures { get; init; } = FeatureSet.None;

    /// <summary>Ring features the implementation does not offer at all.</summary>
    public FeatureSet WithheldFeatures { get; init; } = FeatureSet.None;

    /// <summary>What the device gets wrong.</summary>
    public VendorQuirks Quirks { get; init; } = VendorQuirks.None;

    /// <summary>Timing.</summary>
    public VendorTiming Timing { get; init; } = new();

    /// <summary>Largest queue size the device supports.</summary>
    public ushort MaxQueueSize { get; init; } = 256;

    /// <summary>
    /// True when the device marks the dirty log for its own DMA writes during a migration (an IOMMU with dirty tracking
    /// for a VF, the backend's log for vhost-user); a vDPA device without it is migrated through a shadow virtqueue.
    /// Profile key <c>logs-dirty-pages</c>.
    /// </summary>
    public bool LogsDirtyPages { get; init; } = true;

    /// <summary>True for hardware backends (a VF, or a vDPA device's hardware datapath).</summary>
    public bool IsHardware => Backend is BackendKind.HardwareVf or BackendKind.Vdpa;

    /// <summary>The ring features the device ends up offering, starting from <paramref name="defaults"/>.</summary>
    public FeatureSet RingOffer(FeatureSet defaults) => (defaults | ExtraFeatures).Except(WithheldFeatures).Except(Quirks.ForgottenFeatures);
}
