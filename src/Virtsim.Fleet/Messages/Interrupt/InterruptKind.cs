namespace Virtsim.Fleet.Messages.Interrupt;

/// <summary>How an interrupt reaches the driver.</summary>
public enum InterruptKind : byte
{
    /// <summary>An MSI-X message write for one vector.</summary>
    Msix,
    /// <summary>The level-triggered line (PCI INTx or the MMIO interrupt) was asserted; the driver reads ISR to learn why.</summary>
    Line,
}
