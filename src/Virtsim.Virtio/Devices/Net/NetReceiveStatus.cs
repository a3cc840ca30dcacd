namespace Virtsim.Virtio.Devices.Net;

/// <summary>What happened to a frame offered to a receive queue.</summary>
public enum NetReceiveStatus : byte
{
    /// <summary>The frame is in the driver's buffers.</summary>
    Delivered,
    /// <summary>No receive buffer was available; dropped.</summary>
    NoBuffer,
    /// <summary>The buffer (or, with MRG_RXBUF, the first buffer) was too small; dropped, buffers returned empty.</summary>
    TooLarge,
    /// <summary>The receive filter rejected the frame.</summary>
    Filtered,
    /// <summary>The link is down.</summary>
    LinkDown,
    /// <summary>A guest-memory fault while writing; dropped, buffers returned empty.</summary>
    MemoryFault,
    /// <summary>The receive queue is broken (the result carries its error).</summary>
    QueueBroken,
    /// <summary>The driver has not enabled this receive queue (pair beyond the active pairs, or not a receive queue).</summary>
    QueueInactive,
}
