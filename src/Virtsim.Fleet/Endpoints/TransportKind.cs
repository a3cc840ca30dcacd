namespace Virtsim.Fleet.Endpoints;

/// <summary>The transport a device sits behind.</summary>
public enum TransportKind : byte
{
    /// <summary>virtio-pci modern with MSI-X.</summary>
    Pci,
    /// <summary>virtio-mmio version 2 with its single interrupt line.</summary>
    Mmio,
}
