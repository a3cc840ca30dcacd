namespace Virtsim.Actors.Actors;

/// <summary>
/// An actor's keyed timers. Starting a timer with a key that is active replaces it; a cancelled or replaced timer
/// never delivers again, even if its message was already queued. All timers stop when the actor stops or restarts.
/// Timer messages arrive with the actor itself as sender.
/// </summary>
public interface ITimerScheduler
{
    /// <summary>Delivers <paramref name="message"/> once after <paramref name="delay"/>.</summary>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Delivers <paramref name="message"/> every <paramref name="interval"/>, first after one interval.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Delivers <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>True when a timer with that key is active.</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with that key, if any.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer.</summary>
    void CancelAll();
}
