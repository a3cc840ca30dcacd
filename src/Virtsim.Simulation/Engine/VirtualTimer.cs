using Akka.Actor;
using Akka.Dispatch;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// A timer of the virtual-time scheduler: a tell, an action or a runnable, once or repeatedly, unless its
/// cancelable was cancelled (checked when it comes due, so cancelling costs nothing more).
/// </summary>
internal sealed class VirtualTimer
{
    private readonly ICanTell? _receiver;
    private readonly object? _message;
    private readonly IActorRef? _sender;
    private readonly Action? _action;
    private readonly IRunnable? _runnable;
    private readonly ICancelable? _cancelable;

    private VirtualTimer(long intervalTicks, ICancelable? cancelable, ICanTell? receiver, object? message, IActorRef? sender,
        Action? action, IRunnable? runnable, IActorRef? owner = null)
    {
        IntervalTicks = intervalTicks;
        Owner = owner;
        _cancelable = cancelable;
        _receiver = receiver;
        _message = message;
        _sender = sender;
        _action = action;
        _runnable = runnable;
    }

    /// <summary>Virtual ticks between firings of a repeating timer; 0 for a single one.</summary>
    public long IntervalTicks { get; }

    /// <summary>
    /// The actor that set this timer for itself, whose clock it waits on, when the simulation has skewed clocks
    /// (<see cref="Clocks.IActorClocks"/>); null otherwise.
    /// </summary>
    public IActorRef? Owner { get; }

    /// <summary>True when the timer was cancelled and must not fire any more.</summary>
    public bool IsCancelled => _cancelable is { IsCancellationRequested: true };

    public static VirtualTimer Tell(long interval, ICancelable? c, ICanTell receiver, object message, IActorRef? sender, IActorRef? owner = null) =>
        new(interval, c, receiver, message, sender, null, null, owner);

    public static VirtualTimer Of(long interval, ICancelable? c, Action action) => new(interval, c, null, null, null, action, null);

    public static VirtualTimer Of(long interval, ICancelable? c, IRunnable runnable) => new(interval, c, null, null, null, null, runnable);

    /// <summary>What the timer does, for an error message.</summary>
    public string Describe() => _receiver is not null
        ? $"{_message!.GetType().Name} to {(_receiver as IActorRef)?.Path.ToString() ?? _receiver.ToString()}"
        : _action is not null ? "an action" : _runnable!.GetType().Name;

    /// <summary>Does what the timer was set for.</summary>
    public void Fire()
    {
        if (_receiver is not null) _receiver.Tell(_message!, _sender ?? ActorRefs.NoSender);
        else if (_action is not null) _action();
        else _runnable!.Run();
    }
}
