using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// The scheduler plug-in (<c>akka.scheduler.implementation</c>): every timer of the actor system — ScheduleTellOnce,
/// IWithTimers, Ask and persistence timeouts — in the virtual time of its <see cref="Simulator"/>, which jumps to the
/// next timer only when nothing is ready. <c>Now</c> reads the simulator's virtual wall clock.
/// </summary>
public sealed class VirtualTimeScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider
{
    /// <summary>Called by Akka.NET with the system's configuration.</summary>
    public VirtualTimeScheduler(Config scheduler, ILoggingAdapter log) : base(scheduler, log)
    {
        Simulator = Simulator.Lookup(scheduler);
    }

    /// <summary>The simulator whose virtual time this is.</summary>
    public Simulator Simulator { get; }

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => Simulator.UtcNow;

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => Simulator.Elapsed;

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => Simulator.Elapsed;

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        var owner = Simulator.TimerOwner(receiver);
        Simulator.AddTimer(Simulator.OnClockOf(owner, delay), VirtualTimer.Tell(0, cancelable, receiver, message, sender, owner));
    }

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender,
        ICancelable cancelable)
    {
        var owner = Simulator.TimerOwner(receiver);
        Simulator.AddTimer(Simulator.OnClockOf(owner, initialDelay), VirtualTimer.Tell(interval.Ticks, cancelable, receiver, message, sender, owner));
    }

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Simulator.AddTimer(delay, VirtualTimer.Of(0, cancelable, action));

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Simulator.AddTimer(delay, VirtualTimer.Of(0, cancelable, action));

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Simulator.AddTimer(initialDelay, VirtualTimer.Of(interval.Ticks, cancelable, action));

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Simulator.AddTimer(initialDelay, VirtualTimer.Of(interval.Ticks, cancelable, action));

}
