using System.Diagnostics;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Time;

/// <summary>The threaded dispatcher's clock and scheduler: real time through a <see cref="TimeProvider"/>.</summary>
internal sealed class RealTimeScheduler : IScheduler, IClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public RealTimeScheduler(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
    }

    public IClock Clock => this;

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    public DateTimeOffset UtcNow => _time.GetUtcNow();

    public ICancelable ScheduleOnce(TimeSpan delay, Action action) =>
        new TimerHandle(_time, action, Clamp(delay), Timeout.InfiniteTimeSpan);

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");
        // System timers count whole milliseconds: a shorter period rounds to 0, which means "fire once".
        return new TimerHandle(_time, action, Clamp(initialDelay), interval < MinimumPeriod ? MinimumPeriod : interval);
    }

    /// <summary>The shortest repeat interval real timers honour; shorter intervals repeat at this rate.</summary>
    public static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(1);

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender) =>
        ScheduleOnce(delay, () => receiver.Tell(message, sender));

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender) =>
        ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender));

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    private sealed class TimerHandle : ICancelable
    {
        private readonly ITimer _timer;
        private readonly Action _action;
        private volatile bool _cancelled;

        public TimerHandle(TimeProvider time, Action action, TimeSpan due, TimeSpan period)
        {
            _action = action;
            _timer = time.CreateTimer(static s => ((TimerHandle)s!).Fire(), this, due, period);
        }

        private void Fire()
        {
            if (_cancelled) return;
            try
            {
                _action();
            }
            catch (Exception ex)
            {
                Debug.Fail("A scheduled action threw: " + ex);
            }
        }

        public bool IsCancellationRequested => _cancelled;

        public void Cancel()
        {
            _cancelled = true;
            _timer.Dispose();
        }
    }
}
