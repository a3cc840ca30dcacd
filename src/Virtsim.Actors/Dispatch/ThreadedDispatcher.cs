using Virtsim.Actors.Time;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// Runs actors on the .NET thread pool in real time. Each actor's mailbox is queued on the pool at most once at a
/// time and processes up to <see cref="Dispatcher.Throughput"/> messages per turn; posting a message is lock-free
/// and allocation-free.
/// </summary>
public sealed class ThreadedDispatcher : Dispatcher
{
    private readonly RealTimeScheduler _scheduler;
    private readonly bool _preferLocal;

    /// <summary>Creates a threaded dispatcher.</summary>
    /// <param name="throughput">Messages an actor processes per turn before yielding its thread (default 100).</param>
    /// <param name="preferLocalQueues">Queue ready actors on the current pool thread's local queue (faster, less fair).</param>
    /// <param name="timeProvider">The time source; <see cref="TimeProvider.System"/> when null.</param>
    public ThreadedDispatcher(int throughput = 100, bool preferLocalQueues = true, TimeProvider? timeProvider = null)
        : base(throughput)
    {
        _scheduler = new RealTimeScheduler(timeProvider ?? TimeProvider.System);
        _preferLocal = preferLocalQueues;
    }

    /// <inheritdoc />
    public override IClock Clock => _scheduler;

    /// <inheritdoc />
    public override IScheduler Scheduler => _scheduler;

    internal override void Schedule(Mailbox mailbox) => ThreadPool.UnsafeQueueUserWorkItem(mailbox, _preferLocal);
}
