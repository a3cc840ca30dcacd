using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Virtsim.Simulation.Environment;

namespace Virtsim.Simulation.Persistence;

/// <summary>
/// The snapshot store plug-in of simulated runs (<c>virtsim.simulation.snapshot-store</c>): answers
/// Akka.Persistence's snapshot protocol at once, on the simulation thread, from the simulator's
/// <see cref="SimulationStore"/>; a configured <c>latency</c> delays every answer by that much virtual time.
/// </summary>
public sealed class SimulationSnapshotStore : ActorBase
{
    private readonly SimulationStore _store;
    private readonly TimeSpan _latency;
    private readonly IClock _clock;

    /// <summary>Created by Akka.Persistence with the plug-in's configuration.</summary>
    public SimulationSnapshotStore(Config config)
    {
        var environment = ActorEnvironment.For(Context.System);
        _store = environment.Simulator?.Store
                 ?? throw new ConfigurationException("The simulation snapshot store runs only in an actor system created by a Simulator.");
        _clock = environment.Clock;
        _latency = config.GetTimeSpan("latency", TimeSpan.Zero);
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case LoadSnapshot load:
                Reply(_store.FaultFor(StoreOperation.LoadSnapshot, load.PersistenceId) is { } loadFault
                    ? new LoadSnapshotFailed(loadFault)
                    : new LoadSnapshotResult(Latest(load), load.ToSequenceNr));
                return true;
            case SaveSnapshot save:
                var metadata = save.Metadata.Timestamp == DateTime.MinValue
                    ? new SnapshotMetadata(save.Metadata.PersistenceId, save.Metadata.SequenceNr, _clock.UtcNow.UtcDateTime)
                    : save.Metadata;
                if (_store.FaultFor(StoreOperation.SaveSnapshot, metadata.PersistenceId) is { } saveFault)
                {
                    Reply(new SaveSnapshotFailure(metadata, saveFault));
                    return true;
                }
                _store.For(metadata.PersistenceId).Snapshots.Add(new SelectedSnapshot(metadata, save.Snapshot));
                Reply(new SaveSnapshotSuccess(metadata));
                return true;
            case DeleteSnapshot delete:
                if (_store.FaultFor(StoreOperation.DeleteSnapshots, delete.Metadata.PersistenceId) is { } deleteFault)
                {
                    Reply(new DeleteSnapshotFailure(delete.Metadata, deleteFault));
                    return true;
                }
                _store.For(delete.Metadata.PersistenceId).Snapshots.RemoveAll(s => s.Metadata.SequenceNr == delete.Metadata.SequenceNr);
                Reply(new DeleteSnapshotSuccess(delete.Metadata));
                return true;
            case DeleteSnapshots deleteAll:
                if (_store.FaultFor(StoreOperation.DeleteSnapshots, deleteAll.PersistenceId) is { } deleteAllFault)
                {
                    Reply(new DeleteSnapshotsFailure(deleteAll.Criteria, deleteAllFault));
                    return true;
                }
                _store.For(deleteAll.PersistenceId).Snapshots.RemoveAll(s => Matches(deleteAll.Criteria, s.Metadata));
                Reply(new DeleteSnapshotsSuccess(deleteAll.Criteria));
                return true;
            default:
                return false;
        }
    }

    private SelectedSnapshot? Latest(LoadSnapshot load)
    {
        if (Equals(load.Criteria, SnapshotSelectionCriteria.None)) return null;
        var criteria = load.Criteria;
        return _store.For(load.PersistenceId).Snapshots
            .Where(s => s.Metadata.SequenceNr <= load.ToSequenceNr && Matches(criteria, s.Metadata))
            .OrderByDescending(s => s.Metadata.SequenceNr)
            .FirstOrDefault();
    }

    private static bool Matches(SnapshotSelectionCriteria c, SnapshotMetadata m) =>
        m.SequenceNr <= c.MaxSequenceNr && m.Timestamp <= c.MaxTimeStamp &&
        m.SequenceNr >= c.MinSequenceNr && m.Timestamp >= (c.MinTimestamp ?? DateTime.MinValue);

    private void Reply(object message)
    {
        if (_latency <= TimeSpan.Zero) Sender.Tell(message, Self);
        else Context.System.Scheduler.ScheduleTellOnce(_latency, Sender, message, Self);
    }
}
