using System.Buffers;
using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

// Snapshots and deletion, on demand and (per the options) automatic.
public abstract partial class PersistentActor
{
    /// <summary>
    /// Saves <paramref name="state"/> as the snapshot at <see cref="LastSequenceNr"/>, serialized now (so later
    /// changes to the state do not leak in). The outcome arrives as <see cref="SnapshotSaved"/> or
    /// <see cref="SnapshotSaveFailed"/>; with <see cref="PersistentActorOptions.DeleteAfterSnapshot"/> the events it
    /// covers and the older snapshots are then deleted.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called during recovery.</exception>
    protected void SaveSnapshot(object state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_recovering) throw new InvalidOperationException("SaveSnapshot cannot be called while recovering.");
        var serializer = Serializer;
        var buffer = new ArrayBufferWriter<byte>(256); // owned by the store call until it completes
        serializer.Write(state, buffer);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.Clock.UtcNow);
        var snapshot = new Snapshot(metadata, serializer.Manifest(state), buffer.WrittenMemory);
        Call(StoreOperation.SaveSnapshot, StoreCompletion.Start((Snapshots, snapshot), static s => s.Snapshots.SaveAsync(s.snapshot)), metadata);
    }

    /// <summary>
    /// Deletes the journal's events up to and including <paramref name="toSequenceNr"/> (typically a snapshot's
    /// number). Numbering continues. The outcome arrives as <see cref="EventsDeleted"/> or <see cref="DeletionFailed"/>.
    /// </summary>
    protected void DeleteEventsUpTo(long toSequenceNr)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        Call(StoreOperation.DeleteEvents, StoreCompletion.Start((this, toSequenceNr), static s => s.Item1.Journal.DeleteUpToAsync(s.Item1.PersistenceId, s.toSequenceNr)), toSequenceNr);
    }

    /// <summary>
    /// Deletes the snapshots up to and including <paramref name="toSequenceNr"/>. The outcome arrives as
    /// <see cref="SnapshotsDeleted"/> or <see cref="DeletionFailed"/>.
    /// </summary>
    protected void DeleteSnapshotsUpTo(long toSequenceNr)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toSequenceNr);
        Call(StoreOperation.DeleteSnapshots, StoreCompletion.Start((this, toSequenceNr), static s => s.Item1.Snapshots.DeleteUpToAsync(s.Item1.PersistenceId, s.toSequenceNr)), toSequenceNr);
    }

    /// <summary>Turns a snapshot or deletion outcome into a notification for the command handlers.</summary>
    private void Notify(StoreReply reply)
    {
        var cause = reply.Task.Exception is { } e ? e.InnerException ?? e : null;
        PersistenceNotification notification;
        switch (reply.Operation)
        {
            case StoreOperation.SaveSnapshot:
                var metadata = (SnapshotMetadata)reply.State!;
                if (cause is not null)
                {
                    notification = new SnapshotSaveFailed(metadata, cause);
                    break;
                }
                notification = new SnapshotSaved(metadata);
                if (_options.DeleteAfterSnapshot)
                {
                    DeleteEventsUpTo(metadata.SequenceNr);
                    if (metadata.SequenceNr > 0) DeleteSnapshotsUpTo(metadata.SequenceNr - 1);
                }
                break;
            case StoreOperation.DeleteEvents:
                notification = cause is null ? new EventsDeleted((long)reply.State!) : new DeletionFailed(true, (long)reply.State!, cause);
                break;
            default:
                notification = cause is null ? new SnapshotsDeleted((long)reply.State!) : new DeletionFailed(false, (long)reply.State!, cause);
                break;
        }
        _commands.TryHandle(notification); // unhandled notifications are dropped, not reported
        if (_pending.Count > 0) Flush();
    }
}
