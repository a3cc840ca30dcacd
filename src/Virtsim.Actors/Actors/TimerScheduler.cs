using Virtsim.Actors.Time;

namespace Virtsim.Actors.Actors;

/// <summary>
/// An actor's keyed timers on the dispatcher's scheduler. Each start gets a new generation number; a delivered timer
/// message whose generation is no longer current (cancelled, replaced, restarted) is dropped.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = new();
    private long _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var e)) e.Handle.Cancel();
    }

    public void CancelAll()
    {
        foreach (var e in _timers.Values) e.Handle.Cancel();
        _timers.Clear();
    }

    /// <summary>True when the timer message is current; a single timer is then done.</summary>
    internal bool Accept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var e) || e.Generation != message.Generation) return false;
        if (!e.Periodic) _timers.Remove(message.Key);
        return true;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var generation = ++_generation;
        var envelope = new TimerMessage(key, generation, message);
        var scheduler = cell.Scheduler;
        var self = cell.Self;
        ICancelable handle = interval is { } every
            ? scheduler.ScheduleTellRepeatedly(delay, every, self, envelope, self)
            : scheduler.ScheduleTellOnce(delay, self, envelope, self);
        _timers[key] = new Entry(handle, generation, interval is not null);
    }

    private readonly record struct Entry(ICancelable Handle, long Generation, bool Periodic);
}
