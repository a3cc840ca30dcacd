namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// This device's fixed PCI layout: BAR 1 (32-bit memory, 4 KiB) holds the MSI-X table and PBA; BAR 4
/// (64-bit memory) holds the common configuration, ISR, device configuration and notification areas.
/// </summary>
public static class PciLayout
{
    /// <summary>The virtio PCI vendor ID.</summary>
    public const ushort VendorId = 0x1AF4;
    /// <summary>Modern device IDs are this plus the device type.</summary>
    public const ushort ModernDeviceIdBase = 0x1040;
    /// <summary>PCI Revision ID of a non-transitional device.</summary>
    public const byte RevisionId = 1;

    /// <summary>BAR holding the MSI-X table and PBA.</summary>
    public const int MsixBar = 1;
    /// <summary>Size of <see cref="MsixBar"/>.</summary>
    public const uint MsixBarSize = 0x1000;
    /// <summary>Offset of the MSI-X table in <see cref="MsixBar"/>.</summary>
    public const uint MsixTableOffset = 0x000;
    /// <summary>Offset of the pending bit array in <see cref="MsixBar"/>.</summary>
    public const uint MsixPbaOffset = 0x800;
    /// <summary>Largest MSI-X table this layout holds (16 bytes each before the PBA).</summary>
    public const int MaxMsixVectors = (int)(MsixPbaOffset - MsixTableOffset) / 16;

    /// <summary>BAR holding the virtio structures (64-bit, uses BAR 4 and 5).</summary>
    public const int VirtioBar = 4;
    /// <summary>Offset of the common configuration in <see cref="VirtioBar"/>.</summary>
    public const uint CommonOffset = 0x0000;
    /// <summary>Offset of the ISR status byte in <see cref="VirtioBar"/>.</summary>
    public const uint IsrOffset = 0x1000;
    /// <summary>Offset of the device configuration in <see cref="VirtioBar"/>.</summary>
    public const uint DeviceConfigOffset = 0x2000;
    /// <summary>Largest device configuration this layout holds.</summary>
    public const int MaxDeviceConfigSize = 0x1000;
    /// <summary>Offset of the notification area in <see cref="VirtioBar"/>.</summary>
    public const uint NotifyOffset = 0x3000;

    /// <summary>Offset of the first capability in configuration space.</summary>
    public const int FirstCapability = 0x40;
    /// <summary>The vendor-specific capability ID.</summary>
    public const byte VendorCapabilityId = 0x09;
    /// <summary>The MSI-X capability ID.</summary>
    public const byte MsixCapabilityId = 0x11;
    /// <summary>Size of the configuration space this device implements.</summary>
    public const int ConfigSpaceSize = 256;

    /// <summary>Configuration space: Vendor ID.</summary>
    public const int VendorIdRegister = 0x00;
    /// <summary>Configuration space: Device ID.</summary>
    public const int DeviceIdRegister = 0x02;
    /// <summary>Configuration space: Command.</summary>
    public const int CommandRegister = 0x04;
    /// <summary>Configuration space: Status (bit 3 interrupt status, bit 4 capability list).</summary>
    public const int StatusRegister = 0x06;
    /// <summary>Configuration space: Revision ID.</summary>
    public const int RevisionRegister = 0x08;
    /// <summary>Configuration space: first BAR.</summary>
    public const int Bar0Register = 0x10;
    /// <summary>Configuration space: Subsystem Vendor ID.</summary>
    public const int SubsystemVendorIdRegister = 0x2C;
    /// <summary>Configuration space: Subsystem ID.</summary>
    public const int SubsystemIdRegister = 0x2E;
    /// <summary>Configuration space: Capabilities Pointer.</summary>
    public const int CapabilityPointerRegister = 0x34;
    /// <summary>Configuration space: Interrupt Line.</summary>
    public const int InterruptLineRegister = 0x3C;
    /// <summary>Configuration space: Interrupt Pin.</summary>
    public const int InterruptPinRegister = 0x3D;
}
