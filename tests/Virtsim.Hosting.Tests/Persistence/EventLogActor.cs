using Akka.Actor;
using Akka.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>Persist <see cref="Count"/> events named <c>Prefix-1</c>... one after another; answered by <see cref="Written"/>.</summary>
public sealed record Write(string Prefix, int Count);

/// <summary>All events of a <see cref="Write"/> are persisted; the last one got <paramref name="SequenceNr"/>.</summary>
public sealed record Written(string PersistenceId, long SequenceNr);

/// <summary>Save a snapshot of the events so far; answered by <see cref="SnapshotSaved"/>.</summary>
public sealed record TakeSnapshot;

/// <summary>The snapshot at <paramref name="SequenceNr"/> is stored.</summary>
public sealed record SnapshotSaved(long SequenceNr);

/// <summary>Asks for <see cref="LogState"/>.</summary>
public sealed record GetState;

/// <summary>What the actor holds: every event, its last sequence number, and the snapshot it started from.</summary>
public sealed record LogState(string PersistenceId, IReadOnlyList<string> Events, long LastSequenceNr, long? SnapshotSequenceNr);

/// <summary>The journal failed (or refused) a write of the actor; the actor stops.</summary>
public sealed record PersistFailed(string PersistenceId, string Event, long SequenceNr, Exception Cause);

/// <summary>
/// A persistent actor keeping a list of string events: the smallest thing that exercises the journal and the
/// snapshot store. Failures are reported to <c>observer</c>.
/// </summary>
public sealed class EventLogActor : ReceivePersistentActor
{
    private readonly IActorRef _observer;
    private readonly List<string> _events = [];
    private long? _snapshotFrom;
    private IActorRef _snapshotRequester = ActorRefs.Nobody;

    /// <summary>Creates the actor of <paramref name="persistenceId"/>.</summary>
    public EventLogActor(string persistenceId, IActorRef observer)
    {
        PersistenceId = persistenceId;
        _observer = observer;

        Recover<SnapshotOffer>(offer =>
        {
            _events.Clear();
            _events.AddRange((string[])offer.Snapshot);
            _snapshotFrom = offer.Metadata.SequenceNr;
        });
        Recover<string>(_events.Add);

        Command<Write>(write =>
        {
            var requester = Sender;
            int handled = 0;
            PersistAll(Enumerable.Range(1, write.Count).Select(i => $"{write.Prefix}-{i}"), e =>
            {
                _events.Add(e);
                if (++handled == write.Count) requester.Tell(new Written(PersistenceId, LastSequenceNr));
            });
        });
        Command<TakeSnapshot>(_ =>
        {
            _snapshotRequester = Sender;
            SaveSnapshot(_events.ToArray());
        });
        Command<SaveSnapshotSuccess>(ok => _snapshotRequester.Tell(new SnapshotSaved(ok.Metadata.SequenceNr)));
        Command<SaveSnapshotFailure>(failed => _snapshotRequester.Tell(new Status.Failure(failed.Cause)));
        Command<GetState>(_ => Sender.Tell(new LogState(PersistenceId, _events.ToArray(), LastSequenceNr, _snapshotFrom)));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props of the actor of <paramref name="persistenceId"/>.</summary>
    public static Props Props(string persistenceId, IActorRef observer) =>
        Akka.Actor.Props.Create(() => new EventLogActor(persistenceId, observer));

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _observer.Tell(new PersistFailed(PersistenceId, (string)@event, sequenceNr, cause));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _observer.Tell(new PersistFailed(PersistenceId, (string)@event, sequenceNr, cause));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}
