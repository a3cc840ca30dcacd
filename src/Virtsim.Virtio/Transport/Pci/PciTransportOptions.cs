namespace Virtsim.Virtio.Transport.Pci;

/// <summary>Choices a PCI function's vendor makes.</summary>
public sealed record PciTransportOptions
{
    /// <summary>PCI Subsystem Vendor ID (the device vendor's, e.g. a NIC maker's).</summary>
    public ushort SubsystemVendorId { get; init; } = PciLayout.VendorId;

    /// <summary>PCI Subsystem ID (0x40 or higher for non-transitional devices).</summary>
    public ushort SubsystemId { get; init; } = 0x0040;

    /// <summary>MSI-X table size; null for one per queue plus one for configuration changes.</summary>
    public int? MsixVectors { get; init; }

    /// <summary>notify_off_multiplier: 0 (one shared doorbell) or a power of two that is a multiple of 4.</summary>
    public uint NotifyOffMultiplier { get; init; } = 4;
}
