using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Virtsim.Simulation.Environment;

namespace Virtsim.Simulation.Persistence;

/// <summary>
/// The journal plug-in of simulated runs (<c>virtsim.simulation.journal</c>): answers Akka.Persistence's journal
/// protocol at once, on the simulation thread, from the simulator's <see cref="SimulationStore"/> — no tasks, no
/// thread pool, so crash and recovery replay exactly from the seed. A configured <c>latency</c> delays every answer
/// by that much virtual time.
/// </summary>
public sealed class SimulationJournal : ActorBase
{
    private readonly SimulationStore _store;
    private readonly TimeSpan _latency;

    /// <summary>Created by Akka.Persistence with the plug-in's configuration.</summary>
    public SimulationJournal(Config config)
    {
        var simulator = ActorEnvironment.For(Context.System).Simulator
                        ?? throw new ConfigurationException("The simulation journal runs only in an actor system created by a Simulator.");
        _store = simulator.Store;
        _latency = config.GetTimeSpan("latency", TimeSpan.Zero);
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WriteMessages write: Write(write); return true;
            case ReplayMessages replay: Replay(replay); return true;
            case DeleteMessagesTo delete: Delete(delete); return true;
            default: return false;
        }
    }

    private void Write(WriteMessages write)
    {
        var target = write.PersistentActor;
        var atomicWrites = write.Messages.OfType<AtomicWrite>().ToList();
        var persistenceId = atomicWrites.Count > 0 ? atomicWrites[0].PersistenceId : "";
        if (atomicWrites.Count > 0 && _store.FaultFor(StoreOperation.Write, persistenceId) is { } fault)
        {
            Reply(target, new WriteMessagesFailed(fault, atomicWrites.Count), ActorRefs.NoSender);
            foreach (var envelope in write.Messages)
            {
                if (envelope is AtomicWrite aw)
                    foreach (var p in (IEnumerable<IPersistentRepresentation>)aw.Payload)
                        Reply(target, new WriteMessageFailure(p, fault, write.ActorInstanceId), p.Sender);
                else
                    Reply(target, new LoopMessageSuccess(envelope.Payload, write.ActorInstanceId), envelope.Sender);
            }
            return;
        }

        var now = ActorEnvironment.For(Context.System).Clock.UtcNow.ToUnixTimeMilliseconds();
        foreach (var aw in atomicWrites)
        {
            var stream = _store.For(aw.PersistenceId);
            foreach (var p in (IEnumerable<IPersistentRepresentation>)aw.Payload)
            {
                stream.Events.Add(p.Update(p.SequenceNr, p.PersistenceId, p.IsDeleted, ActorRefs.NoSender, p.WriterGuid).WithTimestamp(now));
                stream.Highest = Math.Max(stream.Highest, p.SequenceNr);
            }
        }
        Reply(target, WriteMessagesSuccessful.Instance, ActorRefs.NoSender);
        foreach (var envelope in write.Messages)
        {
            if (envelope is AtomicWrite aw)
                foreach (var p in (IEnumerable<IPersistentRepresentation>)aw.Payload)
                    Reply(target, new WriteMessageSuccess(p, write.ActorInstanceId), p.Sender);
            else
                Reply(target, new LoopMessageSuccess(envelope.Payload, write.ActorInstanceId), envelope.Sender);
        }
    }

    private void Replay(ReplayMessages replay)
    {
        var target = replay.PersistentActor;
        if (_store.FaultFor(StoreOperation.Replay, replay.PersistenceId) is { } fault)
        {
            Reply(target, new ReplayMessagesFailure(fault), ActorRefs.NoSender);
            return;
        }
        var stream = _store.For(replay.PersistenceId);
        var to = Math.Min(replay.ToSequenceNr, stream.Highest);
        long sent = 0;
        foreach (var p in stream.Events)
        {
            if (sent >= replay.Max) break;
            if (p.SequenceNr < replay.FromSequenceNr || p.SequenceNr <= stream.DeletedTo || p.SequenceNr > to) continue;
            Reply(target, new ReplayedMessage(p), ActorRefs.NoSender);
            sent++;
        }
        Reply(target, new RecoverySuccess(stream.Highest), ActorRefs.NoSender);
    }

    private void Delete(DeleteMessagesTo delete)
    {
        if (_store.FaultFor(StoreOperation.DeleteEvents, delete.PersistenceId) is { } fault)
        {
            Reply(delete.PersistentActor, new DeleteMessagesFailure(fault, delete.ToSequenceNr), Self);
            return;
        }
        var stream = _store.For(delete.PersistenceId);
        stream.DeletedTo = Math.Max(stream.DeletedTo, Math.Min(delete.ToSequenceNr, stream.Highest));
        stream.Events.RemoveAll(e => e.SequenceNr <= stream.DeletedTo);
        Reply(delete.PersistentActor, new DeleteMessagesSuccess(delete.ToSequenceNr), Self);
    }

    private void Reply(IActorRef target, object message, IActorRef? sender)
    {
        if (_latency <= TimeSpan.Zero) target.Tell(message, sender);
        else Context.System.Scheduler.ScheduleTellOnce(_latency, target, message, sender);
    }
}
