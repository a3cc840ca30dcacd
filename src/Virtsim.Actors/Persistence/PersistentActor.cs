using System.Buffers;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Events;
using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

/// <summary>
/// An actor whose state is rebuilt from a journal of events (and snapshots) after a crash, a restart or a move to
/// another node. Commands arrive through handlers registered with <see cref="Command{T}"/>; a handler calls
/// <see cref="Persist{TEvent}"/> for each event it decides on, and the events of one command are written as one
/// atomic journal append. Once the append is durable, each event's handler runs (apply the event to the state,
/// then reply: <see cref="ActorBase.Sender"/> is still the command's sender). Commands that arrive meanwhile are
/// stashed and handled afterwards, in order. On start (and restart) the actor claims its persistence id with its
/// epoch (fencing older owners), then replays the latest snapshot (as a <see cref="SnapshotOffer"/>) and the events
/// after it through the handlers registered with <see cref="Recover{T}"/>; commands wait until that is done.
/// </summary>
/// <remarks>
/// A failed recovery (a corrupted row, an unreadable event) or a failed write (fenced by a newer owner, a conflict,
/// a lost connection) stops the actor: a <see cref="PersistenceFailureException"/> naming the persistence id and
/// sequence number, with the store's error inside, is published as an <see cref="ActorError"/> and handed to
/// <see cref="OnPersistenceFailure"/>, and watchers see it terminate. Snapshot and deletion failures only produce a <see cref="PersistenceNotification"/>.
/// </remarks>
public abstract partial class PersistentActor : ActorBase
{
    private readonly HandlerList _commands = new();
    private readonly HandlerList _recovery = new();
    private readonly List<PendingEvent> _pending = new();
    private readonly List<PendingEvent> _writing = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly List<(string Manifest, int End)> _serialized = new();
    private readonly PersistenceSetup _setup;
    private readonly PersistentActorOptions _options;
    private bool _recovering = true;
    private bool _persisting;
    private bool _failed;

    /// <summary>Binds the actor to its persistence id and stores.</summary>
    /// <param name="persistenceId">The journal stream of this actor; unique among all persistent actors of the stores.</param>
    /// <param name="setup">The stores, the epoch and the settings.</param>
    protected PersistentActor(string persistenceId, PersistenceSetup setup)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentOutOfRangeException.ThrowIfNegative(setup.Epoch);
        _options = setup.Options ?? PersistentActorOptions.Default;
        _options.Validate();
        PersistenceId = persistenceId;
        _setup = setup;
    }

    /// <summary>The journal stream of this actor.</summary>
    public string PersistenceId { get; }

    /// <summary>The ownership epoch this incarnation writes with.</summary>
    public long Epoch => _setup.Epoch;

    /// <summary>
    /// The sequence number of the last event recovered or written (0 when none). Inside an event handler run after
    /// a write, the number of that event.
    /// </summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>True until the snapshot and events have been replayed.</summary>
    public bool IsRecovering => _recovering;

    /// <summary>Turns events and snapshot states into bytes and back.</summary>
    protected abstract IEventSerializer Serializer { get; }

    /// <summary>The settings in force.</summary>
    protected PersistentActorOptions Options => _options;

    /// <summary>
    /// The state to save when <see cref="PersistentActorOptions.SnapshotEvery"/> asks for a snapshot. Override it when
    /// using that setting; the default throws.
    /// </summary>
    protected virtual object SnapshotState() =>
        throw new InvalidOperationException($"{GetType().Name} sets SnapshotEvery but does not override SnapshotState().");

    /// <summary>Called once recovery is done, before the first command (also after every restart).</summary>
    protected virtual void OnRecoveryCompleted() { }

    /// <summary>
    /// Called when a recovery or a journal write failed, just before the actor stops (Akka's <c>OnRecoveryFailure</c> and
    /// <c>OnPersistFailure</c> in one): <paramref name="failure"/> names the persistence id, the phase and the sequence
    /// number, with the store's error inside. Override it to tell someone why (a parent, the run's report); the actor
    /// stops whatever it does.
    /// </summary>
    protected virtual void OnPersistenceFailure(PersistenceFailureException failure) { }

    /// <summary>Handles commands of type <typeparamref name="T"/> (and <see cref="PersistenceNotification"/>s). Register in the constructor.</summary>
    protected void Command<T>(Action<T> handler) => _commands.Add(handler);

    /// <summary>Replays events (and a <see cref="SnapshotOffer"/>) of type <typeparamref name="T"/> during recovery. Register in the constructor.</summary>
    protected void Recover<T>(Action<T> handler) => _recovery.Add(handler);

    /// <summary>
    /// Asks for <paramref name="event"/> to be written; <paramref name="handler"/> runs with it once it is durable.
    /// Every event persisted while handling one command goes into the same atomic journal write, in call order.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called during recovery.</exception>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        if (_recovering) throw new InvalidOperationException("Persist cannot be called while recovering.");
        _pending.Add(new PendingEvent(@event, handler, HandlerInvoker<TEvent>.Instance));
    }

    /// <summary>Persists several events as one atomic write; <paramref name="handler"/> runs for each, in order.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events) Persist(e, handler);
    }

    /// <summary>Starts recovery. Sealed: use <see cref="OnRecoveryCompleted"/> for start-up work.</summary>
    protected sealed override void PreStart() => StartRecovery();

    /// <inheritdoc />
    protected sealed override bool OnReceive(object message)
    {
        if (message is StoreReply reply)
        {
            if (!ReferenceEquals(reply.Owner, this)) return true; // a predecessor's call, completed after a restart
            OnStoreReply(reply);
            return true;
        }
        if (_recovering || _persisting || _failed)
        {
            Stash.Stash();
            return true;
        }
        var handled = _commands.TryHandle(message);
        if (_pending.Count > 0) Flush();
        return handled;
    }

    private void OnStoreReply(StoreReply reply)
    {
        switch (reply.Operation)
        {
            case StoreOperation.Claim:
            case StoreOperation.LoadSnapshot:
            case StoreOperation.ReadEvents:
                OnRecoveryReply(reply);
                break;
            case StoreOperation.Append:
                OnAppended(reply);
                break;
            default:
                if (_recovering || _persisting || _failed) Stash.Stash(); // notifications keep their place among commands
                else Notify(reply);
                break;
        }
    }

    /// <summary>Writes the events the last handler persisted, as one append.</summary>
    private void Flush()
    {
        _writing.Clear();
        _writing.AddRange(_pending);
        _pending.Clear();
        _buffer.ResetWrittenCount();
        var serializer = Serializer;
        _serialized.Clear();
        foreach (var pending in _writing)
        {
            var manifest = serializer.Manifest(pending.Event);
            serializer.Write(pending.Event, _buffer);
            _serialized.Add((manifest, _buffer.WrittenCount));
        }
        // Slices are taken only now: the buffer may have moved while growing. The journal copies the bytes before
        // the append completes, and no other append starts before then, so the buffer is reused safely.
        var written = _buffer.WrittenMemory;
        var events = new EventToAppend[_serialized.Count];
        var start = 0;
        for (var i = 0; i < events.Length; i++)
        {
            var (manifest, end) = _serialized[i];
            events[i] = new EventToAppend(LastSequenceNr + 1 + i, manifest, written[start..end]);
            start = end;
        }
        _persisting = true;
        var request = new AppendRequest(PersistenceId, Epoch, events);
        Call(StoreOperation.Append, StoreCompletion.Start((Journal, request), static s => s.Journal.AppendAsync(s.request)), request, Sender);
    }

    private void OnAppended(StoreReply reply)
    {
        var request = (AppendRequest)reply.State!;
        if (reply.Task.Exception is { } error)
        {
            Fail("persist", request.FirstSequenceNr, error.InnerException ?? error);
            return;
        }
        var before = LastSequenceNr;
        foreach (var e in _writing)
        {
            LastSequenceNr++;
            e.Run();
        }
        _writing.Clear();
        MaybeSnapshot(before);
        if (_pending.Count > 0)
        {
            Flush(); // an event handler persisted more: keep the stash closed until that is written too
            return;
        }
        _persisting = false;
        Stash.UnstashAll();
    }

    private void MaybeSnapshot(long before)
    {
        var every = _options.SnapshotEvery;
        if (every > 0 && before / every != LastSequenceNr / every) SaveSnapshot(SnapshotState());
    }

    /// <summary>Stops the actor after a recovery or write failure, reporting the store's error.</summary>
    private void Fail(string phase, long sequenceNr, Exception cause)
    {
        if (_failed) return;
        _failed = true;
        var failure = new PersistenceFailureException(PersistenceId, phase, sequenceNr, cause);
        Context.System.EventStream.Publish(new ActorError(Self.Path, failure, phase));
        try
        {
            OnPersistenceFailure(failure);
        }
        finally
        {
            Context.Stop(Self);
        }
    }

    private IJournal Journal => _setup.Journal;

    private ISnapshotStore Snapshots => _setup.Snapshots;

    private void Call(StoreOperation operation, Task task, object? state, Virtsim.Actors.Refs.IActorRef? sender = null) =>
        StoreCompletion.Deliver(Context.System, new StoreReply(this, Self, sender ?? Self, operation, task, state), _options.SimulatedStoreLatency);
}
