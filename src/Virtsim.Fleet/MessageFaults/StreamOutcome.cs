namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// What a scenario's <c>migration-stream</c> faults did to one transfer of a migration's stream
/// (<see cref="MigrationStreamFaults.Send"/>): the chunks the destination had resent (dropped, or failing their
/// checksum), the copies it discarded by their sequence number, the chunks it reassembled out of order, the extra bytes
/// the link carried for them, how much later the transfer completes, and the chunk that was lost too often (the
/// stream broke), if any.
/// </summary>
public sealed record StreamOutcome
{
    /// <summary>Chunks the transfer was cut into.</summary>
    public long Chunks { get; init; }

    /// <summary>Chunks sent again because the destination missed their sequence number or their checksum failed.</summary>
    public long Resent { get; init; }

    /// <summary>Duplicated chunks the destination discarded by their sequence number.</summary>
    public long Discarded { get; init; }

    /// <summary>Chunks that arrived out of order and were put back in place by their sequence number.</summary>
    public long Reordered { get; init; }

    /// <summary>Bytes the link carried on top of the transfer: resent chunks and duplicated copies.</summary>
    public long ExtraBytes { get; init; }

    /// <summary>How much later than the link's share says the transfer completes (the longest delay of a chunk).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// The sequence number of a chunk lost <see cref="MigrationStreamFaults.MaxLosses"/> times in a row (the stream
    /// broke there), or null.
    /// </summary>
    public long? LostChunk { get; init; }
}
