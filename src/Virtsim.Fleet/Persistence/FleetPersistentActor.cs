using Akka.Persistence;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// What the world's persistent actors share on top of Akka.Persistence: a persistence id, the snapshot policy of
/// <see cref="FleetPersistence"/> (snapshot every N events, optionally deleting what the snapshot covers), and a
/// recorded reason when the store fails, so a run can say the store failed rather than that data went missing.
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
        _metrics.RecordStoreFailure(PersistenceId, "persist", sequenceNr, cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _metrics.RecordStoreFailure(PersistenceId, "persist (rejected)", sequenceNr, cause);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _metrics.RecordStoreFailure(PersistenceId, "recovery", LastSequenceNr, reason);
        base.OnRecoveryFailure(reason, message);
    }
}
