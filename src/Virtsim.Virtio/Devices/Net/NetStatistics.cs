namespace Virtsim.Virtio.Devices.Net;

/// <summary>Counters of a virtio-net device.</summary>
public sealed class NetStatistics
{
    /// <summary>Frames handed to the sink.</summary>
    public long TxFrames { get; internal set; }
    /// <summary>Bytes handed to the sink (frames only).</summary>
    public long TxBytes { get; internal set; }
    /// <summary>Transmit chains dropped (shorter than the header, too long, or a memory fault).</summary>
    public long TxDropped { get; internal set; }
    /// <summary>Frames delivered into receive buffers.</summary>
    public long RxFrames { get; internal set; }
    /// <summary>Bytes delivered (frames only).</summary>
    public long RxBytes { get; internal set; }
    /// <summary>Frames dropped because no receive buffer was available.</summary>
    public long RxDroppedNoBuffer { get; internal set; }
    /// <summary>Frames dropped because the buffer(s) were too small.</summary>
    public long RxDroppedTooLarge { get; internal set; }
    /// <summary>Frames dropped by the receive filter.</summary>
    public long RxDroppedFiltered { get; internal set; }
    /// <summary>Frames dropped while the link was down.</summary>
    public long RxDroppedLinkDown { get; internal set; }
    /// <summary>Guest-memory faults met while moving frame data (the frame is dropped).</summary>
    public long MemoryFaults { get; internal set; }
    /// <summary>Control commands answered with OK.</summary>
    public long ControlOk { get; internal set; }
    /// <summary>Control commands answered with ERR (or with no room for the ack).</summary>
    public long ControlErrors { get; internal set; }
}
