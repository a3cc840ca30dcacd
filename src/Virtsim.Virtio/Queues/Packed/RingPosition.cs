namespace Virtsim.Virtio.Queues.Packed;

/// <summary>
/// A place in a packed descriptor ring: a slot and the wrap counter that goes with it. Moving past the last
/// slot returns to slot 0 and flips the wrap counter (spec §2.8.1). Both counters start at 1.
/// </summary>
/// <param name="Slot">Ring slot, below the queue size.</param>
/// <param name="Wrap">The ring wrap counter (true = 1).</param>
public readonly record struct RingPosition(ushort Slot, bool Wrap)
{
    /// <summary>Where both sides start: slot 0, wrap counter 1.</summary>
    public static RingPosition Start => new(0, true);

    /// <summary>This position moved forward by <paramref name="count"/> (at most <paramref name="size"/>) slots.</summary>
    public RingPosition Advance(int count, int size)
    {
        int slot = Slot + count;
        if (slot < size) return new RingPosition((ushort)slot, Wrap);
        return new RingPosition((ushort)(slot - size), !Wrap);
    }

    /// <summary>
    /// The position as a number in [0, 2 * <paramref name="size"/>): slot while the wrap counter is 1, slot + size
    /// while it is 0. Moving forward one slot adds one modulo 2 * size.
    /// </summary>
    public int Linear(int size) => Wrap ? Slot : Slot + size;

    /// <summary>How many slots forward <paramref name="later"/> is from this position, modulo 2 * <paramref name="size"/>.</summary>
    public int DistanceTo(RingPosition later, int size)
    {
        int d = later.Linear(size) - Linear(size);
        return d < 0 ? d + 2 * size : d;
    }

    /// <summary>The 16-bit off_wrap encoding (offset bits 0-14, wrap bit 15) used by event suppression and notification data.</summary>
    public ushort OffWrap => (ushort)((Slot & 0x7FFF) | (Wrap ? 0x8000 : 0));

    /// <summary>Decodes an off_wrap value.</summary>
    public static RingPosition FromOffWrap(ushort offWrap) => new((ushort)(offWrap & 0x7FFF), (offWrap & 0x8000) != 0);

    /// <summary>"slot/wrap".</summary>
    public override string ToString() => $"{Slot}/{(Wrap ? 1 : 0)}";
}
