namespace Virtsim.VhostUser.Frontend;

/// <summary>Counters of a net drive run.</summary>
public sealed class NetDriveResult
{
    /// <summary>Frames made available on the transmit ring.</summary>
    public long FramesSent { get; internal set; }

    /// <summary>Transmit buffers the device returned.</summary>
    public long FramesTransmitted { get; internal set; }

    /// <summary>Frames taken from the receive ring (a merged frame counts once).</summary>
    public long FramesReceived { get; internal set; }

    /// <summary>Received frames whose size, header, sequence number and pattern were right, each sequence number once.</summary>
    public long FramesVerified { get; internal set; }

    /// <summary>Frames taken from each queue pair's receive ring (index = pair).</summary>
    public IReadOnlyList<long> ReceivedPerPair => FramesReceivedPerPair;

    internal long[] FramesReceivedPerPair { get; set; } = [];

    /// <summary>Received frames with a wrong size or payload.</summary>
    public long Mismatches { get; internal set; }

    /// <summary>Received frames whose sequence number had already been verified.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Frames sent but never verified.</summary>
    public long Lost => FramesSent - FramesVerified;

    /// <summary>Received frames that spanned more than one buffer (MRG_RXBUF).</summary>
    public long MergedFrames { get; internal set; }

    /// <summary>Kicks written to the rings' eventfds.</summary>
    public long Kicks { get; internal set; }

    /// <summary>Calls (interrupts) read from the rings' eventfds.</summary>
    public long Calls { get; internal set; }

    /// <summary>True when every sent frame came back verified, with no mismatch or duplicate.</summary>
    public bool Ok => Lost == 0 && Mismatches == 0 && Duplicates == 0;
}
