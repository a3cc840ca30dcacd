using Akka.Actor;
using Akka.Persistence;

namespace Virtsim.Bench.Hosting;

/// <summary>
/// A persistent actor for the journal benchmark: on <see cref="Run"/> it persists <c>Events</c> small events, either
/// one at a time (<c>Persist</c>: the next only after the journal confirmed the previous) or all at once
/// (<c>PersistAsync</c> per event), and tells <c>Done</c> to the sender of <c>Run</c> when the last is confirmed. After recovery it
/// tells the reporter given at creation how many events it replayed.
/// </summary>
public sealed class BenchPersistentActor : ReceivePersistentActor
{
    private IActorRef _reporter;
    private long _replayed;
    private int _total;
    private int _confirmed;
    private bool _async;

    /// <summary>Start persisting.</summary>
    public sealed record Run(int Events, bool Async);

    /// <summary>All events of a <see cref="Run"/> are confirmed.</summary>
    public sealed record Done;

    /// <summary>Recovery finished with <paramref name="Events"/> events replayed.</summary>
    public sealed record Recovered(long Events);

    /// <summary>A write failed: the benchmark is void.</summary>
    public sealed record Failed(string PersistenceId, string Reason);

    /// <summary>Creates the actor.</summary>
    public BenchPersistentActor(string persistenceId, IActorRef reporter)
    {
        PersistenceId = persistenceId;
        _reporter = reporter;
        Recover<string>(_ => _replayed++);
        Recover<RecoveryCompleted>(_ => _reporter.Tell(new Recovered(_replayed)));
        Command<Run>(run =>
        {
            _reporter = Sender;
            _total = run.Events;
            _confirmed = 0;
            _async = run.Async;
            if (run.Async)
            {
                // One PersistAsync per event: they are all in flight at once, as an actor that does not wait would have them.
#pragma warning disable AK1006
                for (int i = 0; i < run.Events; i++) PersistAsync(Event(i), Confirmed);
#pragma warning restore AK1006
            }
            else
            {
                Persist(Event(0), Confirmed);
            }
        });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props of the actor.</summary>
    public static Props Props(string persistenceId, IActorRef reporter) =>
        Akka.Actor.Props.Create(() => new BenchPersistentActor(persistenceId, reporter));

    private void Confirmed(string e)
    {
        if (++_confirmed == _total) _reporter.Tell(new Done());
        else if (!_async) Persist(Event(_confirmed), Confirmed);
    }

    // About the size of a small device event (a queue index, a feature set, a state change).
    private string Event(int i) => $"{PersistenceId}:{i:D8}:queue-notify:0123456789abcdef";

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _reporter.Tell(new Failed(PersistenceId, cause.Message));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _reporter.Tell(new Failed(PersistenceId, cause.Message));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}
