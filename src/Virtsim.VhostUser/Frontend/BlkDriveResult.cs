namespace Virtsim.VhostUser.Frontend;

/// <summary>Counters of a blk drive run.</summary>
public sealed class BlkDriveResult
{
    /// <summary>An empty result to count into.</summary>
    public BlkDriveResult() { }

    /// <summary>Disk size read from the config space (capacity times 512).</summary>
    public ulong CapacityBytes { get; internal set; }

    /// <summary>Bytes written by completed write requests.</summary>
    public ulong BytesWritten { get; internal set; }

    /// <summary>Bytes read back by completed read requests.</summary>
    public ulong BytesRead { get; internal set; }

    /// <summary>Read-back bytes that matched the pattern.</summary>
    public ulong VerifiedBytes { get; internal set; }

    /// <summary>Read requests whose data differed from the pattern.</summary>
    public long Mismatches { get; internal set; }

    /// <summary>Requests completed with a status other than OK.</summary>
    public long FailedRequests { get; internal set; }

    /// <summary>Requests submitted (reads, writes and the flush).</summary>
    public long Requests { get; internal set; }

    /// <summary>A flush was sent and completed with OK (false when the device does not offer VIRTIO_BLK_F_FLUSH).</summary>
    public bool Flushed { get; internal set; }

    /// <summary>SHA-256 (lower-case hex) of the whole disk as read back.</summary>
    public string Sha256 { get; internal set; } = "";

    /// <summary>Kicks written to the ring's eventfd.</summary>
    public long Kicks { get; internal set; }

    /// <summary>Calls (interrupts) read from the ring's eventfd.</summary>
    public long Calls { get; internal set; }

    /// <summary>INFLIGHT_SHMFD was negotiated: the driver holds the in-flight region and may reconnect.</summary>
    public bool Inflight { get; internal set; }

    /// <summary>Times the driver connected again (after the device went away, or after hanging up itself).</summary>
    public int Reconnects { get; internal set; }

    /// <summary>Times the driver hung up itself with requests in flight (<see cref="VhostUserDriveOptions.DisconnectEvery"/>).</summary>
    public int Disconnects { get; internal set; }

    /// <summary>Used ids that were not in flight: a request completed twice (or one never submitted). The run stops at the first.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>True when the whole disk was written, read back and verified with every request OK.</summary>
    public bool Ok => CapacityBytes > 0 && VerifiedBytes == CapacityBytes && BytesWritten == CapacityBytes && Mismatches == 0 && FailedRequests == 0 && Duplicates == 0;
}
