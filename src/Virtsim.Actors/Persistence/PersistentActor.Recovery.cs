using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

// Recovery: claim the persistence id, load the latest snapshot, replay the events after it page by page.
public abstract partial class PersistentActor
{
    private long _recoveryTarget;

    private void StartRecovery()
    {
        _recovering = true;
        Call(StoreOperation.Claim, StoreCompletion.Start(this, static a => a.Journal.ClaimAsync(a.PersistenceId, a.Epoch)), null);
    }

    private void OnRecoveryReply(StoreReply reply)
    {
        if (!_recovering || _failed) return;
        if (reply.Task.Exception is { } error)
        {
            var cause = error.InnerException ?? error;
            Fail("recovery", SequenceNrOf(cause, LastSequenceNr + 1), cause);
            return;
        }
        try
        {
            switch (reply.Operation)
            {
                case StoreOperation.Claim:
                    // Events up to this number are ours to replay; a lower epoch can no longer add any.
                    _recoveryTarget = ((Task<long>)reply.Task).Result;
                    Call(StoreOperation.LoadSnapshot,
                        StoreCompletion.Start(this, static a => a.Snapshots.LoadLatestAsync(a.PersistenceId, SnapshotCriteria.UpTo(a._recoveryTarget))), null);
                    break;
                case StoreOperation.LoadSnapshot:
                    if (((Task<Snapshot?>)reply.Task).Result is { } snapshot) OfferSnapshot(snapshot);
                    ReadNextPage();
                    break;
                case StoreOperation.ReadEvents:
                    Replay(((Task<IReadOnlyList<PersistedEvent>>)reply.Task).Result);
                    break;
            }
        }
        catch (Exception ex) when (!_failed)
        {
            // A payload the serializer cannot read, or a recovery handler that throws: the actor cannot be rebuilt.
            Fail("recovery", SequenceNrOf(ex, LastSequenceNr + 1), ex);
        }
    }

    private void OfferSnapshot(Snapshot snapshot)
    {
        var state = Serializer.Read(snapshot.Manifest, snapshot.Payload.Span);
        LastSequenceNr = snapshot.Metadata.SequenceNr;
        _recovery.TryHandle(new SnapshotOffer(snapshot.Metadata, state));
    }

    private void ReadNextPage()
    {
        if (LastSequenceNr >= _recoveryTarget)
        {
            FinishRecovery();
            return;
        }
        Call(StoreOperation.ReadEvents, StoreCompletion.Start(this, static a =>
            a.Journal.ReadBatchAsync(a.PersistenceId, a.LastSequenceNr + 1, a._recoveryTarget, a._options.RecoveryBatchSize)), null);
    }

    private void Replay(IReadOnlyList<PersistedEvent> events)
    {
        var serializer = Serializer;
        foreach (var e in events)
        {
            LastSequenceNr = e.SequenceNr;
            _recovery.TryHandle(serializer.Read(e.Manifest, e.Payload.Span));
        }
        if (events.Count == 0) LastSequenceNr = _recoveryTarget; // the rest was deleted (covered by the snapshot or dropped on purpose)
        ReadNextPage();
    }

    private void FinishRecovery()
    {
        // Numbering continues after the highest number ever written, even when the tail was deleted.
        LastSequenceNr = Math.Max(LastSequenceNr, _recoveryTarget);
        _recovering = false;
        OnRecoveryCompleted();
        if (_pending.Count > 0) Flush(); // OnRecoveryCompleted may persist
        else Stash.UnstashAll();
    }

    private static long SequenceNrOf(Exception error, long fallback) => error switch
    {
        JournalCorruptionException j => j.SequenceNr,
        SnapshotCorruptionException s => s.SequenceNr,
        _ => fallback,
    };
}
