using Virtsim.Actors.Events;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Actors;

/// <summary>
/// The base of every actor. An actor processes one message at a time, so its fields need no locks. Create actors
/// only through <see cref="Props"/> and <c>ActorOf</c>; the engine constructs the instance (and a fresh one on every
/// restart). Most actors derive from <see cref="ReceiveActor"/> instead.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;
    private IStash? _stash;

    /// <summary>Binds the instance to the actor the engine is creating.</summary>
    /// <exception cref="InvalidOperationException">Constructed outside <c>ActorOf</c>.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.Constructing
                ?? throw new InvalidOperationException($"{GetType().Name} must be created through Props and ActorOf, not with 'new'.");
    }

    /// <summary>The actor's view of the engine.</summary>
    protected IActorContext Context => _cell;

    /// <summary>The actor's own ref.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being processed (the dead-letter ref when none).</summary>
    protected IActorRef Sender => _cell.Sender;

    /// <summary>The actor's keyed timers.</summary>
    protected ITimerScheduler Timers => _cell.Timers;

    /// <summary>The actor's stash.</summary>
    protected IStash Stash => _stash ??= _cell.GetStash();

    /// <summary>Handles one message; returns false when the current behavior does not handle it.</summary>
    protected abstract bool OnReceive(object message);

    /// <summary>Called for messages <see cref="OnReceive"/> did not handle; publishes an <see cref="UnhandledMessage"/>.</summary>
    protected virtual void Unhandled(object message) =>
        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSender, Self));

    /// <summary>Called once after the instance is created, before its first message.</summary>
    protected virtual void PreStart() { }

    /// <summary>Called once after the actor stopped (and all its children stopped); no messages follow.</summary>
    protected virtual void PostStop() { }

    /// <summary>
    /// Called on the failed instance before a restart. The default stops every child and calls
    /// <see cref="PostStop"/>.
    /// </summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message being processed when it failed, if any (it is not redelivered).</param>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children) Context.Stop(child);
        PostStop();
    }

    /// <summary>Called on the fresh instance after a restart. The default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children. Default: <see cref="SupervisorStrategy.Default"/>.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy => SupervisorStrategy.Default;

    internal void AroundReceive(object message)
    {
        if (!OnReceive(message)) Unhandled(message);
    }

    internal void AroundPreStart() => PreStart();
    internal void AroundPostStop() => PostStop();
    internal void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);
    internal void AroundPostRestart(Exception reason) => PostRestart(reason);
    internal SupervisorStrategy Strategy => SupervisorStrategy;
}
