namespace Virtsim.Virtio.Queues;

/// <summary>The event index rule shared by both directions of EVENT_IDX suppression (spec §2.7.10).</summary>
public static class EventIndex
{
    /// <summary>
    /// True when moving an index from <paramref name="oldIndex"/> to <paramref name="newIndex"/> crosses
    /// <paramref name="eventIndex"/>, i.e. the other side asked to be told once the index passed it:
    /// <c>(u16)(new - event - 1) &lt; (u16)(new - old)</c>.
    /// </summary>
    public static bool NeedsEvent(ushort eventIndex, ushort newIndex, ushort oldIndex) =>
        (ushort)(newIndex - eventIndex - 1) < (ushort)(newIndex - oldIndex);
}
