namespace Virtsim.Persistence;

/// <summary>Identifies a snapshot: whose state, as of which sequence number, taken when.</summary>
/// <param name="PersistenceId">The persistence id whose state the snapshot holds.</param>
/// <param name="SequenceNr">The sequence number of the last event folded into the snapshot.</param>
/// <param name="Timestamp">When the snapshot was taken, as given by the caller (the store reads no clock). Stored with tick precision in UTC.</param>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
