namespace Virtsim.Virtio.Queues.Packed;

/// <summary>The <c>desc_event_flags</c> values of a packed event suppression structure (spec §2.8.10).</summary>
public enum EventSuppressionMode : ushort
{
    /// <summary>RING_EVENT_FLAGS_ENABLE: send events.</summary>
    Enable = 0,
    /// <summary>RING_EVENT_FLAGS_DISABLE: send no events.</summary>
    Disable = 1,
    /// <summary>RING_EVENT_FLAGS_DESC: send an event when the given descriptor is made available / used (EVENT_IDX only).</summary>
    Desc = 2,
    /// <summary>The reserved value 3 (treated like <see cref="Enable"/>: a spurious event is always safe).</summary>
    Reserved = 3,
}
