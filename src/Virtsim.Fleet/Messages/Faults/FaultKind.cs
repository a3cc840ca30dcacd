namespace Virtsim.Fleet.Messages.Faults;

/// <summary>The faults a simulation can inject into a device queue.</summary>
public enum FaultKind : byte
{
    /// <summary>
    /// The next available chain's head descriptor gets an address outside guest memory (written by DMA through the
    /// host), so serving it finds a malformed chain and the device enters DEVICE_NEEDS_RESET.
    /// </summary>
    CorruptNextDescriptor,
}
