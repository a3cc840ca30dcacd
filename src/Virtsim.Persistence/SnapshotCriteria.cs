namespace Virtsim.Persistence;

/// <summary>Selects snapshots by sequence number and timestamp ranges (both bounds inclusive).</summary>
/// <param name="MaxSequenceNr">Highest sequence number selected.</param>
/// <param name="MaxTimestamp">Latest timestamp selected.</param>
/// <param name="MinSequenceNr">Lowest sequence number selected.</param>
/// <param name="MinTimestamp">Earliest timestamp selected.</param>
public sealed record SnapshotCriteria(long MaxSequenceNr, DateTimeOffset MaxTimestamp, long MinSequenceNr, DateTimeOffset MinTimestamp)
{
    /// <summary>Every snapshot.</summary>
    public static SnapshotCriteria Any { get; } = new(long.MaxValue, DateTimeOffset.MaxValue, 0, DateTimeOffset.MinValue);

    /// <summary>The snapshots with sequence numbers up to and including <paramref name="maxSequenceNr"/>.</summary>
    public static SnapshotCriteria UpTo(long maxSequenceNr) => Any with { MaxSequenceNr = maxSequenceNr };

    /// <summary>Whether <paramref name="metadata"/> falls in the ranges.</summary>
    public bool Matches(SnapshotMetadata metadata) =>
        metadata.SequenceNr >= MinSequenceNr && metadata.SequenceNr <= MaxSequenceNr &&
        metadata.Timestamp.UtcTicks >= MinTimestamp.UtcTicks && metadata.Timestamp.UtcTicks <= MaxTimestamp.UtcTicks;
}
