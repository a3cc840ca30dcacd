namespace Virtsim.Virtio.Transport.Pci;

/// <summary>One capability found in configuration space, decoded as a driver sees it.</summary>
/// <param name="Offset">Where it starts in configuration space.</param>
/// <param name="Id">Capability ID (0x09 vendor-specific, 0x11 MSI-X, ...).</param>
/// <param name="Next">cap_next.</param>
/// <param name="Length">cap_len (vendor capabilities only; 0 otherwise).</param>
/// <param name="Type">cfg_type for virtio capabilities, else null.</param>
/// <param name="Bar">The BAR the structure lives in.</param>
/// <param name="RegionOffset">The structure's offset in the BAR.</param>
/// <param name="RegionLength">The structure's length.</param>
/// <param name="NotifyOffMultiplier">notify_off_multiplier for NOTIFY capabilities, else 0.</param>
public readonly record struct PciCapability(int Offset, byte Id, byte Next, byte Length, PciCapabilityType? Type, byte Bar,
    uint RegionOffset, uint RegionLength, uint NotifyOffMultiplier);
