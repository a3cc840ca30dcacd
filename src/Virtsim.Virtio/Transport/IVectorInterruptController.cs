namespace Virtsim.Virtio.Transport;

/// <summary>
/// Vectored interrupt delivery (PCI MSI-X) a transport attaches to the device model. When attached and
/// enabled the model signals vectors instead of asserting the interrupt line for queue interrupts.
/// </summary>
public interface IVectorInterruptController
{
    /// <summary>True when vectored delivery is enabled (MSI-X Enable set).</summary>
    bool Enabled { get; }

    /// <summary>Number of vectors in the table; a vector at or past this cannot be mapped.</summary>
    int VectorCount { get; }

    /// <summary>Signals <paramref name="vector"/> (delivered now or left pending while masked).</summary>
    void Signal(ushort vector);
}
