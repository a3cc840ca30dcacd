namespace Virtsim.Virtio.Memory;

/// <summary>
/// What a device-side memory access is for. Each access a device makes is one bus transaction for a
/// hardware device (one PCIe read or write), so counting them by kind compares ring layouts.
/// </summary>
public enum MemoryAccessKind : byte
{
    /// <summary>A descriptor (split table entry, packed ring element, or indirect table entry).</summary>
    Descriptor,
    /// <summary>A ring index or flags word (avail idx, used idx, avail/used flags).</summary>
    RingIndex,
    /// <summary>A ring entry (avail ring slot, used element).</summary>
    RingEntry,
    /// <summary>Buffer payload.</summary>
    Data,
    /// <summary>An event-suppression field (used_event, avail_event, packed event suppression structures).</summary>
    EventSuppression,
}
