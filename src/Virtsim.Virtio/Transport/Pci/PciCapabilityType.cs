namespace Virtsim.Virtio.Transport.Pci;

/// <summary>virtio PCI capability cfg_type values (spec §4.1.4).</summary>
public enum PciCapabilityType : byte
{
    /// <summary>Common configuration.</summary>
    CommonConfig = 1,
    /// <summary>Notifications.</summary>
    NotifyConfig = 2,
    /// <summary>ISR status.</summary>
    IsrConfig = 3,
    /// <summary>Device-specific configuration.</summary>
    DeviceConfig = 4,
    /// <summary>PCI configuration access window.</summary>
    PciConfig = 5,
    /// <summary>Shared memory region.</summary>
    SharedMemoryConfig = 8,
    /// <summary>Vendor-specific data.</summary>
    VendorConfig = 9,
}
