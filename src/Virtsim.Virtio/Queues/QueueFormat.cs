namespace Virtsim.Virtio.Queues;

/// <summary>The virtqueue layout in guest memory.</summary>
public enum QueueFormat : byte
{
    /// <summary>Split virtqueue: descriptor table, available ring, used ring (spec §2.7).</summary>
    Split,
    /// <summary>Packed virtqueue: one descriptor ring plus two event suppression structures (spec §2.8).</summary>
    Packed,
}
