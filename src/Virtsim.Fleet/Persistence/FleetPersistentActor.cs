using Akka.Persistence;
using Akka.Actor;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// What the world's persistent actors share on top of Akka.Persistence: a persistence id, the snapshot policy of
/// <see cref="FleetPersistence"/> (snapshot every N events, optionally deleting what the snapshot covers), and what a
/// store failure does: it is recorded for the run's report (<see cref="StoreFailure"/>: persistence id, phase,
/// sequence number, the store's own error) and the parent device is told (<see cref="StoreFailed"/>) before
/// Akka.Persistence stops the actor, so a run says the store failed rather than that data went missing.
/// </summary>
public abstract class FleetPersistentActor : ReceivePersistentActor
{
    private readonly FleetPersistence _persistence;
    private readonly FleetMetrics _metrics;

    /// <summary>Creates the actor with its persistence id, the world's persistence settings and the run's counters.</summary>
    protected FleetPersistentActor(string persistenceId, FleetPersistence persistence, FleetMetrics metrics)
    {
        PersistenceId = persistenceId;
        _persistence = persistence;
        _metrics = metrics;
        Command<SaveSnapshotSuccess>(s =>
        {
            if (!_persistence.DeleteAfterSnapshot) return;
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(_ => { }); // the events are still there: recovery only takes longer
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>The state a snapshot holds.</summary>
    protected abstract object SnapshotState();

    /// <summary>Call after applying each persisted event: snapshots when the sequence number reaches a multiple of N.</summary>
    protected void AfterPersisted()
    {
        if (_persistence.SnapshotEvery > 0 && LastSequenceNr % _persistence.SnapshotEvery == 0) SaveSnapshot(SnapshotState());
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        StoreFailedAt("persist", sequenceNr, cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        StoreFailedAt("persist", sequenceNr, cause);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        StoreFailedAt("recovery", LastSequenceNr + 1, reason);
        base.OnRecoveryFailure(reason, message);
    }

    private void StoreFailedAt(string phase, long sequenceNr, Exception cause)
    {
        var failure = StoreFailure.Of(PersistenceId, phase, sequenceNr, cause, Context.Clock().Elapsed);
        _metrics.RecordStoreFailure(failure);
        Context.Parent.Tell(new StoreFailed(failure.PersistenceId, failure.ToString()), Self);
    }
}
