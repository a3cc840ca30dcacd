using System.Runtime.CompilerServices;
using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Events;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Randomness;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;
using Virtsim.Actors.Time;

namespace Virtsim.Actors.Actors;

/// <summary>
/// The engine's side of one actor: its mailbox, its current instance, its children, its watchers and its state
/// (running, suspended after a failure, restarting, stopping, stopped). Only the thread currently processing the
/// mailbox touches it, except the children table, which is locked because <c>ActorOf</c> and path resolution may
/// come from outside.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic] private static ActorCell? t_constructing;
    [ThreadStatic] private static ActorCell? t_current;

    private readonly ActorSystem _system;
    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly LocalActorRef _self;
    private ActorBase? _actor;
    private Envelope _current;
    private bool _hasCurrent;
    private TimerScheduler? _timers;
    private ActorStash? _stash;
    private Queue<Envelope>? _unstashed;

    // State (see class summary).
    private bool _suspended;
    private bool _terminating;
    private bool _terminated;
    private Exception? _pendingRecreate;
    private object? _failedMessage;
    private IActorRef? _escalatedFrom;

    internal ActorCell(ActorSystem system, Props props, ActorCell? parent, ActorPath path, long uid)
    {
        _system = system;
        _props = props;
        _parent = parent;
        _self = new LocalActorRef(this, path, uid);
        Mailbox = new Mailbox(this, system.Dispatcher);
    }

    /// <summary>The cell whose instance is being constructed on this thread (read by <see cref="ActorBase"/>).</summary>
    internal static ActorCell? Constructing => t_constructing;

    /// <summary>The ref of the actor processing a message on this thread, or null (the implicit sender).</summary>
    internal static IActorRef? CurrentSelf => t_current?._self;

    /// <summary>The system of the actor processing a message on this thread, or null.</summary>
    internal static ActorSystem? CurrentSystem => t_current?._system;

    internal Mailbox Mailbox { get; }

    internal LocalActorRef SelfRef => _self;

    internal bool IsTerminated => _terminated;

    internal IActorRef? CurrentSender => _hasCurrent ? _current.Sender : null;

    internal bool CanProcessUserMessages => _actor is not null && !_suspended && !_terminating && !_terminated;

    internal bool HasUnstashed => _unstashed is { Count: > 0 };

    // ---- IActorContext ----

    public IActorRef Self => _self;

    public IActorRef Sender => (_hasCurrent ? _current.Sender : null) ?? _system.DeadLetters;

    public IActorRef Parent => (IActorRef?)_parent?._self ?? _system.DeadLetters;

    public ActorSystem System => _system;

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IClock Clock => _system.Clock;

    public IScheduler Scheduler => _system.Scheduler;

    public IRandomSource Random => _system.Random;

    internal IStash GetStash() => _stash ??= new ActorStash(this);

    internal bool TryGetCurrent(out Envelope current)
    {
        current = _current;
        return _hasCurrent;
    }

    /// <summary>Puts messages back ahead of the mailbox, in order, ahead of earlier unstashed ones.</summary>
    internal void Prepend(List<Envelope> items)
    {
        var q = new Queue<Envelope>(items.Count + (_unstashed?.Count ?? 0));
        foreach (var e in items) q.Enqueue(e);
        if (_unstashed is not null)
            while (_unstashed.TryDequeue(out var e)) q.Enqueue(e);
        _unstashed = q;
    }

    // ---- Processing ----

    /// <summary>
    /// One turn: every pending system message, then up to <paramref name="budget"/> ordinary messages (system
    /// messages that arrive meanwhile are handled between them).
    /// </summary>
    internal void Process(int budget)
    {
        var previous = t_current;
        t_current = this;
        try
        {
            if (Mailbox.HasSystemMessages) ProcessSystemMessages();
            var n = 0;
            while (n < budget && CanProcessUserMessages)
            {
                Envelope envelope;
                if (_unstashed is { Count: > 0 } unstashed) envelope = unstashed.Dequeue();
                else if (!Mailbox.TryDequeueUser(out envelope)) break;
                Invoke(envelope);
                n++;
                if (Mailbox.HasSystemMessages) ProcessSystemMessages();
            }
        }
        finally
        {
            t_current = previous;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Invoke(in Envelope envelope)
    {
        _current = envelope;
        _hasCurrent = true;
        var message = envelope.Message;
        if (_system.Traces is { } traces) Trace(traces, envelope);
        try
        {
            if (message is IAutoReceivedMessage) AutoReceive(message);
            else _actor!.AroundReceive(message);
        }
        catch (Exception ex)
        {
            HandleFailure(ex, message, "message handler");
        }
        _hasCurrent = false;
        _current = default;
    }

    private void Trace(Tracing.IMessageTrace[] traces, in Envelope envelope)
    {
        var message = envelope.Message is TimerMessage tm ? tm.Message : envelope.Message;
        foreach (var t in traces) t.OnDelivered(envelope.Sender, _self, message);
    }

    private void AutoReceive(object message)
    {
        switch (message)
        {
            case PoisonPill:
                BeginTermination();
                break;
            case Kill:
                throw new ActorKilledException($"Kill message received by {_self.Path}.");
            case Terminated t:
                // Delivered only while still watched: an Unwatch after the stop was noticed cancels it.
                if (_watching is not null && _watching.Remove(t.Actor)) _actor!.AroundReceive(t);
                break;
            case TimerMessage tm:
                if (_timers is not null && _timers.Accept(tm))
                {
                    _current = new Envelope(tm.Message, _self);
                    _actor!.AroundReceive(tm.Message);
                }
                break;
            default:
                _actor!.AroundReceive(message);
                break;
        }
    }

    private void ProcessSystemMessages()
    {
        for (var m = Mailbox.TakeSystemMessages(); m is not null;)
        {
            var next = m.Next;
            m.Next = null;
            if (_terminated) SystemMessageAfterStop(m);
            else HandleSystemMessage(m);
            m = next;
        }
    }

    private void HandleSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Create:
                CreateInstance();
                break;
            case Terminate:
                BeginTermination();
                break;
            case Resume:
                OnResume();
                break;
            case Recreate r:
                BeginRecreate(r.Cause);
                break;
            case Watch w:
                OnWatch(w);
                break;
            case Unwatch u:
                if (u.Watchee.Equals(_self)) _watchedBy?.Remove(u.Watcher);
                break;
            case DeathWatchNotification d:
                OnDeathWatchNotification(d.Actor);
                break;
            case Failed f:
                OnChildFailed(f);
                break;
        }
    }

    /// <summary>Answers system messages that reach the actor after it stopped.</summary>
    internal void SystemMessageAfterStop(SystemMessage message)
    {
        if (message is Watch w && w.Watchee.Equals(_self) && !w.Watcher.Equals(_self))
            w.Watcher.SendSystem(new DeathWatchNotification(_self));
    }

    internal void DeadLetter(in Envelope envelope)
    {
        if (envelope.Message is TimerMessage) return; // a timer outliving its actor is not a lost message
        _system.EventStream.Publish(new DeadLetter(envelope.Message, envelope.Sender, _self));
    }

    private void PublishError(Exception ex, string where) =>
        _system.EventStream.Publish(new ActorError(_self.Path, ex, where));

    /// <inheritdoc />
    public override string ToString() => $"ActorCell({_self.Path})";
}
