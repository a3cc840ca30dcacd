using Virtsim.Actors.Refs;
using Virtsim.Actors.Time;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// Runs actors deterministically on the calling thread, FoundationDB-style: a virtual clock that only moves when
/// nothing is ready, timers fired in virtual due-time order (ties in scheduling order), and at each step a seeded
/// random choice of which ready actor processes its next message. The same seed and the same inputs give the same
/// message order; another seed generally another interleaving. Several actor systems (nodes) may share one
/// simulation. Not thread-safe: drive it, and tell actors from outside, from one thread only.
/// </summary>
public sealed class SimulationDispatcher : Dispatcher, IClock, IScheduler
{
    /// <summary>The wall-clock time at virtual time zero.</summary>
    public static readonly DateTimeOffset DefaultEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly List<Mailbox> _ready = new();
    private readonly PriorityQueue<VirtualTimer, (long Due, long Seq)> _timers = new();
    private readonly DateTimeOffset _epoch;
    private long _now;
    private long _timerSeq;

    /// <summary>Creates a simulation with its own seeded random choice of the next actor.</summary>
    /// <param name="seed">The seed; print it so a run can be replayed.</param>
    /// <param name="epoch">Wall-clock time at virtual zero (default <see cref="DefaultEpoch"/>).</param>
    public SimulationDispatcher(int seed, DateTimeOffset? epoch = null) : base(1)
    {
        Seed = seed;
        _random = new Random(seed);
        _epoch = epoch ?? DefaultEpoch;
    }

    /// <summary>The seed of the interleaving choice.</summary>
    public int Seed { get; }

    /// <summary>Actor turns taken so far (each: the actor's system messages and at most one ordinary message).</summary>
    public long Steps { get; private set; }

    /// <summary>Actors with work ready now.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Timers not yet fired (including cancelled ones not yet discarded).</summary>
    public int PendingTimers => _timers.Count;

    /// <inheritdoc />
    public override IClock Clock => this;

    /// <inheritdoc />
    public override IScheduler Scheduler => this;

    /// <inheritdoc />
    public TimeSpan Elapsed => new(_now);

    /// <inheritdoc />
    public DateTimeOffset UtcNow => _epoch + Elapsed;

    internal override void Schedule(Mailbox mailbox)
    {
        mailbox.ReadyIndex = _ready.Count;
        _ready.Add(mailbox);
    }

    /// <summary>
    /// Fires the timers due now, then lets one randomly chosen ready actor take a turn. Does not advance time.
    /// </summary>
    /// <returns>False when there was nothing to do: no timer due and no actor ready.</returns>
    public bool Step()
    {
        var fired = FireDueTimers();
        var count = _ready.Count;
        if (count == 0) return fired;
        var index = count == 1 ? 0 : _random.Next(count);
        var mailbox = _ready[index];
        Steps++;
        mailbox.Cell.Process(1);
        if (mailbox.IsClosed || !mailbox.HasRunnableWork)
        {
            // Swap-remove: deterministic, O(1).
            var last = _ready.Count - 1;
            var moved = _ready[last];
            _ready[index] = moved;
            moved.ReadyIndex = index;
            _ready.RemoveAt(last);
            mailbox.ReadyIndex = -1;
            mailbox.SetIdle();
        }
        return true;
    }

    /// <summary>Processes everything that is ready and every timer due, without advancing virtual time.</summary>
    /// <param name="maxSteps">A safety bound against actors that message each other forever.</param>
    /// <returns>The number of steps taken (actor turns and timer firings).</returns>
    public long RunUntilIdle(long maxSteps = 100_000_000)
    {
        long n = 0;
        while (n < maxSteps && Step()) n++;
        return n;
    }

    /// <summary>
    /// Runs for <paramref name="duration"/> of virtual time: processes ready work, and when idle jumps the clock to
    /// the next timer, until that timer would be later than the end. The clock ends exactly at now + duration.
    /// </summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var end = _now + duration.Ticks;
        while (true)
        {
            if (Step()) continue;
            if (!AdvanceToNextTimer(end)) break;
        }
        _now = end;
    }

    /// <summary>
    /// Runs until <paramref name="predicate"/> holds (checked before every step), advancing virtual time through
    /// timers when idle, but not beyond now + <paramref name="maxVirtualTime"/> (default one hour).
    /// </summary>
    /// <returns>True when the predicate held; false when the run went idle or hit the time bound first.</returns>
    public bool RunUntil(Func<bool> predicate, TimeSpan? maxVirtualTime = null)
    {
        var end = _now + (maxVirtualTime ?? TimeSpan.FromHours(1)).Ticks;
        while (true)
        {
            if (predicate()) return true;
            if (Step()) continue;
            if (!AdvanceToNextTimer(end)) return predicate();
        }
    }

    private bool AdvanceToNextTimer(long end)
    {
        while (_timers.TryPeek(out var timer, out var key))
        {
            if (timer.IsCancellationRequested)
            {
                _timers.Dequeue();
                continue;
            }
            if (key.Due > end) return false;
            if (key.Due > _now) _now = key.Due;
            return true;
        }
        return false;
    }

    private bool FireDueTimers()
    {
        var fired = false;
        while (_timers.TryPeek(out var timer, out var key) && key.Due <= _now)
        {
            _timers.Dequeue();
            if (timer.IsCancellationRequested) continue;
            if (timer.Interval > 0)
                _timers.Enqueue(timer, (key.Due + timer.Interval, _timerSeq++));
            fired = true;
            timer.Action();
        }
        return fired;
    }

    private VirtualTimer Add(TimeSpan delay, TimeSpan interval, Action action)
    {
        var t = new VirtualTimer(action, interval.Ticks);
        var due = _now + Math.Max(0, delay.Ticks);
        _timers.Enqueue(t, (due, _timerSeq++));
        return t;
    }

    /// <inheritdoc />
    public ICancelable ScheduleOnce(TimeSpan delay, Action action) => Add(delay, TimeSpan.Zero, action);

    /// <inheritdoc />
    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");
        return Add(initialDelay, interval, action);
    }

    /// <inheritdoc />
    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender) =>
        ScheduleOnce(delay, () => receiver.Tell(message, sender));

    /// <inheritdoc />
    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender) =>
        ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender));

    private sealed class VirtualTimer(Action action, long interval) : ICancelable
    {
        public Action Action { get; } = action;
        public long Interval { get; } = interval;
        public bool IsCancellationRequested { get; private set; }
        public void Cancel() => IsCancellationRequested = true;
    }
}
