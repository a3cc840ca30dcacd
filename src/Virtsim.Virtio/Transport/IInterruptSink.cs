namespace Virtsim.Virtio.Transport;

/// <summary>
/// Where a transport delivers interrupts to the driver's side: a level-triggered line (INTx / the MMIO
/// interrupt) and, on PCI with MSI-X enabled, message writes. Injected so that simulation controls delivery.
/// </summary>
public interface IInterruptSink
{
    /// <summary>The interrupt line changed level (asserted while ISR / InterruptStatus is non-zero).</summary>
    void SetInterruptLine(bool asserted);

    /// <summary>An MSI-X message for <paramref name="vector"/>: a write of <paramref name="data"/> to <paramref name="address"/>.</summary>
    void SendMessage(ushort vector, ulong address, uint data);
}
