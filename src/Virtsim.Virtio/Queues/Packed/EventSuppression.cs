namespace Virtsim.Virtio.Queues.Packed;

/// <summary>
/// The value of one packed event suppression structure: <c>desc_event_off_wrap</c> (le16 at offset 0) and
/// <c>desc_event_flags</c> (le16 at offset 2). The driver area holds the driver's structure (read by the device,
/// controls used-buffer notifications); the device area holds the device's (read by the driver, controls
/// available-buffer notifications).
/// </summary>
/// <param name="OffWrap">Descriptor offset (bits 0-14) and wrap counter (bit 15).</param>
/// <param name="Flags">The raw flags word; the mode is its low two bits.</param>
public readonly record struct EventSuppression(ushort OffWrap, ushort Flags)
{
    /// <summary>ENABLE, offset 0, wrap 0 (what a zero-initialised structure reads as).</summary>
    public static EventSuppression Enabled => new(0, (ushort)EventSuppressionMode.Enable);

    /// <summary>DISABLE.</summary>
    public static EventSuppression Disabled => new(0, (ushort)EventSuppressionMode.Disable);

    /// <summary>DESC at <paramref name="position"/>.</summary>
    public static EventSuppression AtDescriptor(RingPosition position) => new(position.OffWrap, (ushort)EventSuppressionMode.Desc);

    /// <summary>The mode (low two bits of the flags; the other bits are reserved).</summary>
    public EventSuppressionMode Mode => (EventSuppressionMode)(Flags & 3);

    /// <summary>The descriptor position of a DESC event.</summary>
    public RingPosition Position => RingPosition.FromOffWrap(OffWrap);

    /// <summary>Decodes the structure from its 32-bit little-endian image (off_wrap in the low half).</summary>
    public static EventSuppression FromRaw(uint raw) => new((ushort)raw, (ushort)(raw >> 16));

    /// <summary>The 32-bit little-endian image (off_wrap in the low half, flags in the high half).</summary>
    public uint ToRaw() => OffWrap | ((uint)Flags << 16);

    /// <summary>
    /// Whether the side that moved its ring position from <paramref name="old"/> forward by
    /// <paramref name="advanced"/> slots must send an event to the side that wrote this structure.
    /// </summary>
    /// <remarks>
    /// Nothing moved: no event. DISABLE: no event. DESC with EVENT_IDX: an event exactly when the descriptor
    /// position (offset, wrap) lies in the half-open range of slots passed, [old, old + advanced), counted
    /// modulo 2 * size so that the wrap counter takes part (an offset at or beyond the queue size never
    /// matches). ENABLE, the reserved value 3, and DESC without EVENT_IDX (where it is not valid): an event.
    /// </remarks>
    /// <param name="size">Queue size.</param>
    /// <param name="old">Position before the slots were passed.</param>
    /// <param name="advanced">Slots passed since <paramref name="old"/> (any non-negative count).</param>
    /// <param name="eventIdx">VIRTIO_F_EVENT_IDX negotiated.</param>
    public bool ShouldNotify(int size, RingPosition old, long advanced, bool eventIdx)
    {
        if (advanced <= 0) return false;
        switch (Mode)
        {
            case EventSuppressionMode.Disable:
                return false;
            case EventSuppressionMode.Desc when eventIdx:
                var target = Position;
                if (target.Slot >= size) return false;
                if (advanced >= 2L * size) return true;
                return old.DistanceTo(target, size) < advanced;
            default:
                return true;
        }
    }

    /// <summary>"MODE off/wrap".</summary>
    public override string ToString() => $"{Mode} {Position}";
}
