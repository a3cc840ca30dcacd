using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

/// <summary>
/// Outcomes of snapshot and deletion requests, delivered to the actor's command handlers
/// (<see cref="PersistentActor.Command{T}"/>) like messages, in order with the commands. Not handling them is fine:
/// they are then dropped silently.
/// </summary>
public abstract record PersistenceNotification;

/// <summary>A snapshot was saved durably.</summary>
/// <param name="Metadata">The snapshot's id, sequence number and timestamp.</param>
public sealed record SnapshotSaved(SnapshotMetadata Metadata) : PersistenceNotification;

/// <summary>Saving a snapshot failed; the actor keeps running (its events are still in the journal).</summary>
/// <param name="Metadata">The snapshot that was not saved.</param>
/// <param name="Cause">The store's error.</param>
public sealed record SnapshotSaveFailed(SnapshotMetadata Metadata, Exception Cause) : PersistenceNotification;

/// <summary>The journal deleted the events up to and including <paramref name="ToSequenceNr"/>.</summary>
/// <param name="ToSequenceNr">The last deleted sequence number.</param>
public sealed record EventsDeleted(long ToSequenceNr) : PersistenceNotification;

/// <summary>The snapshot store deleted the snapshots up to and including <paramref name="ToSequenceNr"/>.</summary>
/// <param name="ToSequenceNr">The highest deleted sequence number.</param>
public sealed record SnapshotsDeleted(long ToSequenceNr) : PersistenceNotification;

/// <summary>A deletion of events or snapshots failed; the actor keeps running.</summary>
/// <param name="Events">True for events, false for snapshots.</param>
/// <param name="ToSequenceNr">The sequence number the deletion was to reach.</param>
/// <param name="Cause">The store's error.</param>
public sealed record DeletionFailed(bool Events, long ToSequenceNr, Exception Cause) : PersistenceNotification;
