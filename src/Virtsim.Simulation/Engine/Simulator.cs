using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Actor.Internal;
using Virtsim.Simulation.Clocks;
using Virtsim.Simulation.Interception;
using Virtsim.Simulation.Persistence;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// Runs Akka.NET actor systems deterministically on one thread, FoundationDB-style. Every mailbox turn of every
/// dispatcher is queued here (<see cref="SimulationExecutorConfigurator"/>) and the simulator takes one at a time,
/// choosing among the ready ones with a random source seeded from <see cref="Seed"/>; timers live in virtual time
/// (<see cref="VirtualTimeScheduler"/>), which moves only when nothing is ready, jumping to the next timer. The same
/// seed and inputs give the same trace hash; another seed generally another interleaving.
/// </summary>
/// <remarks>
/// The thread that creates the simulator is the simulation thread: create actor systems, tell actors from outside
/// and drive the run (<see cref="Step"/>, <see cref="RunUntilIdle"/>, <see cref="RunFor"/>, <see cref="RunUntil"/>)
/// from it. Work arriving from any other thread is refused with a <see cref="NondeterminismException"/> that names
/// it, raised on the simulation thread at the next step, rather than let the run diverge quietly.
/// </remarks>
public sealed class Simulator : IDisposable
{
    /// <summary>The wall-clock time at virtual time zero unless the configuration says otherwise.</summary>
    public static readonly DateTimeOffset DefaultEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ConcurrentDictionary<string, Simulator> Registry = new();
    private static long _nextId;

    private readonly Random _random;
    private readonly ReadySet<IRunnable> _ready = new();
    private readonly TimerQueue<VirtualTimer> _timers = new();
    private readonly ConcurrentQueue<Action> _foreignWork = new();
    private readonly Dictionary<Type, ulong> _typeHashes = new();
    private Type? _lastType;
    private ulong _lastTypeHash;
    private readonly List<ActorSystem> _systems = new();
    private readonly List<IDeliveryObserver> _observers = new();
    private readonly int _thread = System.Environment.CurrentManagedThreadId;
    private TraceHash _trace;
    private long _now;
    private volatile bool _relaxed;
    private NondeterminismException? _fault;
    private IDeliveryInterceptor? _interceptor;
    private IActorClocks? _clocks;
    private bool _releasing;

    /// <summary>Creates a simulator; the calling thread becomes the simulation thread.</summary>
    /// <param name="seed">The seed of the interleaving and of every actor system's random source; print it so a run can be replayed.</param>
    /// <param name="epoch">Wall-clock time at virtual zero (default <see cref="DefaultEpoch"/>).</param>
    /// <param name="store">
    /// The journals and snapshots to start from (another simulator's <see cref="Store"/>, as a store that survived a
    /// whole run), or null for an empty one.
    /// </param>
    public Simulator(int seed, DateTimeOffset? epoch = null, SimulationStore? store = null)
    {
        Seed = seed;
        Epoch = epoch ?? DefaultEpoch;
        _random = new Random(seed);
        Id = "sim-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        Registry[Id] = this;
        Store = store ?? new SimulationStore();
    }

    /// <summary>The seed of this run.</summary>
    public int Seed { get; }

    /// <summary>Wall-clock time at virtual zero.</summary>
    public DateTimeOffset Epoch { get; }

    /// <summary>Virtual time since the start.</summary>
    public TimeSpan Elapsed => new(_now);

    /// <summary>The wall-clock time the simulation reads now: <see cref="Epoch"/> plus <see cref="Elapsed"/>.</summary>
    public DateTimeOffset UtcNow => Epoch + Elapsed;

    /// <summary>Mailbox turns taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Mailbox turns ready to run now.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Timers not yet fired (including cancelled ones not yet reached).</summary>
    public int PendingTimers => _timers.Count;

    /// <summary>The hash of every delivery so far (receiver path, message type, virtual time), in order.</summary>
    public ulong TraceHash => _trace.Value;

    /// <summary>Messages delivered so far.</summary>
    public long Deliveries => _trace.Count;

    /// <summary>
    /// The journal and snapshots of every persistent actor of the simulation's systems. They outlive actor crashes
    /// and whole actor systems, so a world rebuilt in the same simulator recovers from them.
    /// </summary>
    public SimulationStore Store { get; }

    internal string Id { get; }

    internal bool OnSimulationThread => System.Environment.CurrentManagedThreadId == _thread;

    /// <summary>Registers an observer of every delivery (for example a <see cref="TraceRecorder"/>).</summary>
    public void Observe(IDeliveryObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Add(observer);
    }

    /// <summary>
    /// Puts <paramref name="interceptor"/> on the delivery path: from now on it decides, for every message sent to an
    /// actor of the simulation, whether it is queued, dropped, delayed, duplicated, queued ahead or replaced. At most
    /// one; a simulation without one pays nothing for the hook (no call, no random draw).
    /// </summary>
    public void Intercept(IDeliveryInterceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        EnsureSimulationThread(nameof(Intercept));
        if (_interceptor is not null) throw new InvalidOperationException("This simulator already has a delivery interceptor.");
        _interceptor = interceptor;
    }

    /// <summary>
    /// Gives the simulation's places their own clocks: from now on a timer an actor sets for itself waits its delay on
    /// the clock <paramref name="clocks"/> gives that actor (a periodic timer each period anew). At most one; a
    /// simulation without one pays nothing for the hook, and its timers are those of before.
    /// </summary>
    public void SkewClocks(IActorClocks clocks)
    {
        ArgumentNullException.ThrowIfNull(clocks);
        EnsureSimulationThread(nameof(SkewClocks));
        if (_clocks is not null) throw new InvalidOperationException("This simulator already has skewed clocks.");
        _clocks = clocks;
    }

    /// <summary>
    /// Steps the clocks of the actors <paramref name="owners"/> picks by <paramref name="step"/>: each of their pending
    /// timers (set for themselves after <see cref="SkewClocks"/>) comes due that much earlier (a negative step: later),
    /// never before now, as timers on a clock that jumps ahead. Ties keep the order the timers were set in.
    /// </summary>
    /// <returns>The timers moved.</returns>
    public int StepClocks(Func<IActorRef, bool> owners, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(owners);
        EnsureSimulationThread(nameof(StepClocks));
        int moved = 0;
        _timers.Retime((timer, due) =>
        {
            if (timer.Owner is null || timer.IsCancelled || !owners(timer.Owner)) return due;
            moved++;
            return Math.Max(_now, due - step.Ticks);
        });
        return moved;
    }

    /// <summary>The actor running now when it sets a timer for itself and clocks are skewed; else null.</summary>
    internal IActorRef? TimerOwner(ICanTell receiver)
    {
        if (_clocks is null || receiver is not IActorRef target) return null;
        var self = InternalCurrentActorCellKeeper.Current?.Self;
        return self is not null && self.Equals(target) ? self : null;
    }

    /// <summary>The virtual time <paramref name="delay"/> takes on the clock of <paramref name="owner"/> (null: true time).</summary>
    internal TimeSpan OnClockOf(IActorRef? owner, TimeSpan delay) =>
        owner is null || _clocks is null ? delay : _clocks.VirtualDelay(owner, delay, Elapsed);

    /// <summary>The interceptor of messages in flight, or null (also null while a delayed message is being released).</summary>
    internal IDeliveryInterceptor? Interceptor => _releasing ? null : _interceptor;

    /// <summary>Sends <paramref name="message"/> to <paramref name="receiver"/> after <paramref name="delay"/>, past the interceptor.</summary>
    internal void Release(TimeSpan delay, IActorRef receiver, object message, IActorRef sender)
    {
        AddTimer(delay, VirtualTimer.Of(0, null, () =>
        {
            _releasing = true;
            try { receiver.Tell(message, sender); }
            finally { _releasing = false; }
        }));
    }

    /// <summary>
    /// The settings that make every journal and snapshot store call of a simulated system take
    /// <paramref name="latency"/> of virtual time (as a real store's round trip would).
    /// </summary>
    public static Config StoreLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        var ns = (latency.Ticks * 100).ToString(CultureInfo.InvariantCulture);
        return ConfigurationFactory.ParseString($"virtsim.simulation.journal.latency = {ns}ns\nvirtsim.simulation.snapshot-store.latency = {ns}ns");
    }

    /// <summary>
    /// The configuration a simulated actor system needs: the plug-ins bound to this simulator, over
    /// <paramref name="config"/>, over the simulation defaults.
    /// </summary>
    public Config ConfigFor(Config? config)
    {
        var reference = SimulationReference.Config;
        var forced = ConfigurationFactory.ParseString($"virtsim.simulation.instance = \"{Id}\"")
            .WithFallback(reference.GetConfig("virtsim.simulation.forced"));
        var result = forced;
        if (config is not null && !config.IsEmpty) result = result.WithFallback(config);
        return result.WithFallback(reference.GetConfig("virtsim.simulation.defaults")).WithFallback(reference);
    }

    /// <summary>
    /// Creates an actor system run by this simulator. Several systems (nodes) may share one simulator: a whole
    /// fleet runs on one thread.
    /// </summary>
    /// <param name="name">The system's name.</param>
    /// <param name="config">Its configuration (Akka settings and application settings), or null.</param>
    public ActorSystem CreateSystem(string name, Config? config = null)
    {
        EnsureSimulationThread(nameof(CreateSystem));
        var system = ActorSystem.Create(name, ConfigFor(config));
        _systems.Add(system);
        return system;
    }

    /// <summary>
    /// Fires the timers due now, then lets one ready mailbox, chosen by the seeded random source, take a turn.
    /// Does not advance virtual time.
    /// </summary>
    /// <returns>False when there was nothing to do: no timer due and nothing ready.</returns>
    /// <exception cref="NondeterminismException">Work arrived from another thread.</exception>
    public bool Step()
    {
        EnsureSimulationThread(nameof(Step));
        ThrowIfFaulted();
        if (_relaxed) RunForeignWork();
        var fired = FireDueTimers();
        if (_ready.Count == 0) return fired;
        var run = _ready.TakeRandom(_random);
        Steps++;
        run.Run();
        ThrowIfFaulted();
        return true;
    }

    /// <summary>Processes everything ready and every timer due, without advancing virtual time.</summary>
    /// <param name="maxSteps">A bound against actors that message each other forever.</param>
    /// <returns>The steps taken.</returns>
    public long RunUntilIdle(long maxSteps = 100_000_000)
    {
        long n = 0;
        while (n < maxSteps && Step()) n++;
        return n;
    }

    /// <summary>
    /// Runs for <paramref name="duration"/> of virtual time: processes ready work, and when idle jumps to the next
    /// timer, until that timer would be later than the end. The clock then reads exactly now + duration.
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
    /// Runs until <paramref name="condition"/> holds (checked before every step), advancing virtual time through
    /// timers when idle, but not beyond now + <paramref name="maxVirtualTime"/> (default one hour).
    /// </summary>
    /// <returns>True when the condition held; false when the run went idle or reached the time bound first.</returns>
    public bool RunUntil(Func<bool> condition, TimeSpan? maxVirtualTime = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var end = _now + (maxVirtualTime ?? TimeSpan.FromHours(1)).Ticks;
        while (true)
        {
            if (condition()) return true;
            if (Step()) continue;
            if (!AdvanceToNextTimer(end)) return condition();
        }
    }

    /// <summary>
    /// Runs until <paramref name="task"/> (for example an Ask) completes and returns its result. Ask timeouts are
    /// virtual, so a task that cannot complete fails with its timeout rather than hang.
    /// </summary>
    /// <exception cref="TimeoutException">The run went idle, or reached <paramref name="maxVirtualTime"/>, first.</exception>
    public T Await<T>(Task<T> task, TimeSpan? maxVirtualTime = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!RunUntil(() => task.IsCompleted, maxVirtualTime))
            throw new TimeoutException($"The task did not complete within {maxVirtualTime ?? TimeSpan.FromHours(1)} of virtual time, and nothing was left to run.");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the simulation thread after <paramref name="delay"/> of virtual time (a fault
    /// to inject, a probe to take), in order with every other timer.
    /// </summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        AddTimer(delay, VirtualTimer.Of(0, null, action));
    }

    /// <summary>
    /// Asks <paramref name="target"/> and runs until it answers, with the timeout in virtual time. (Akka.NET's own
    /// Ask times out on a real-time CancellationTokenSource, which a simulated run must not depend on.)
    /// </summary>
    /// <exception cref="AskTimeoutException">No answer within <paramref name="timeout"/> of virtual time.</exception>
    public T Ask<T>(ICanTell target, object message, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var cancel = new CancellationTokenSource();
        var reply = target.Ask<T>(message, Timeout.InfiniteTimeSpan, cancel.Token);
        var deadline = _now + timeout.Ticks;
        if (RunUntil(() => reply.IsCompleted, timeout)) return reply.GetAwaiter().GetResult();
        // Nothing left to run before the deadline: the asker waited all of it.
        _now = Math.Max(_now, deadline);
        cancel.Cancel();
        throw new AskTimeoutException($"No answer to {message.GetType().Name} within {timeout} of virtual time.");
    }

    /// <summary>Terminates every actor system of the simulator and removes it from the registry.</summary>
    public void Dispose()
    {
        if (!Registry.TryRemove(Id, out _)) return;
        // Termination finishes through task continuations on the thread pool: take their work in as it comes.
        _relaxed = true;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var system in _systems) system.Terminate();
        while (DateTime.UtcNow < deadline && _systems.Any(s => !s.WhenTerminated.IsCompleted))
        {
            if (RunForeignWork() | FireDueTimers()) continue;
            if (_ready.Count > 0)
            {
                _ready.TakeRandom(_random).Run();
                continue;
            }
            if (!AdvanceToNextTimer(long.MaxValue)) Thread.Sleep(1);
        }
        _systems.Clear();
    }

    internal static Simulator Lookup(Config config)
    {
        var id = config.GetString("virtsim.simulation.instance", null);
        if (id is null || !Registry.TryGetValue(id, out var simulator))
            throw new ConfigurationException(
                "This actor system uses Virtsim's simulation plug-ins but was not created by a Simulator (Simulator.CreateSystem); " +
                $"virtsim.simulation.instance = \"{id}\" names no live simulator.");
        return simulator;
    }

    /// <summary>Queues a mailbox turn (or any runnable) of one of the simulation's dispatchers.</summary>
    internal void Schedule(IRunnable run)
    {
        if (OnSimulationThread) _ready.Add(run);
        else ScheduleFromAnotherThread(run);
    }

    // Apart from Schedule and AddTimer: a lambda capturing their parameters would allocate its closure on every call.
    private void ScheduleFromAnotherThread(IRunnable run)
    {
        Foreign(() => _ready.Add(run), $"a mailbox turn ({run.GetType().Name}) was scheduled");
    }

    /// <summary>Adds a timer due <paramref name="delay"/> from now.</summary>
    internal void AddTimer(TimeSpan delay, VirtualTimer timer)
    {
        var due = _now + Math.Max(0, delay.Ticks);
        if (OnSimulationThread) _timers.Add(due, timer);
        else AddTimerFromAnotherThread(due, timer);
    }

    private void AddTimerFromAnotherThread(long due, VirtualTimer timer)
    {
        Foreign(() => _timers.Add(Math.Max(due, _now), timer), $"a timer was set ({timer.Describe()})");
    }

    /// <summary>
    /// Called by a mailbox's queue for work from a thread other than the simulation's. While the run is strict this
    /// records the fault (raised on the simulation thread) and throws to the caller; while terminating it queues
    /// the work for the simulation thread instead.
    /// </summary>
    internal void Foreign(Action work, string what)
    {
        if (_relaxed)
        {
            _foreignWork.Enqueue(work);
            return;
        }
        var thread = Thread.CurrentThread;
        var fault = new NondeterminismException(
            $"Under simulation {what} from thread {thread.ManagedThreadId} ('{thread.Name ?? "unnamed"}'), not the simulation thread. " +
            "Every message and timer of a simulated run must come from the simulation thread: no PipeTo of a real Task, no Task.Run " +
            "or await in an actor, no journal doing real I/O.");
        Interlocked.CompareExchange(ref _fault, fault, null);
        throw fault;
    }

    /// <summary>Records a delivery into the trace hash and tells the observers.</summary>
    internal void Delivered(ulong receiverHash, IActorRef receiver, in Envelope envelope)
    {
        var message = envelope.Message;
        var type = message.GetType();
        // Runs of one message type are common (ping-pong, a queue's completions): skip the dictionary for them.
        if (!ReferenceEquals(type, _lastType))
        {
            if (!_typeHashes.TryGetValue(type, out _lastTypeHash))
            {
                _lastTypeHash = Tracing.TraceHash.Of(type.FullName ?? type.Name);
                _typeHashes[type] = _lastTypeHash;
            }
            _lastType = type;
        }
        _trace.Add(receiverHash, _lastTypeHash, _now);
        if (_observers.Count == 0) return;
        foreach (var o in _observers) o.OnDelivered(Elapsed, envelope.Sender, receiver, message);
    }

    private void EnsureSimulationThread(string what)
    {
        if (!OnSimulationThread)
            throw new NondeterminismException($"Simulator.{what} was called from thread {System.Environment.CurrentManagedThreadId}, not the simulation thread that created the simulator.");
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault) throw new NondeterminismException(fault.Message);
    }

    private bool RunForeignWork()
    {
        var any = false;
        while (_foreignWork.TryDequeue(out var work))
        {
            work();
            any = true;
        }
        return any;
    }

    private bool FireDueTimers()
    {
        var fired = false;
        while (_timers.TryTakeDue(_now, out var timer))
        {
            if (timer.IsCancelled) continue;
            if (timer.IntervalTicks > 0) _timers.Add(_now + Math.Max(0, OnClockOf(timer.Owner, new TimeSpan(timer.IntervalTicks)).Ticks), timer);
            fired = true;
            timer.Fire();
        }
        return fired;
    }

    private bool AdvanceToNextTimer(long end)
    {
        while (_timers.TryPeek(out var due, out var timer))
        {
            // A cancelled timer must not pull the clock forward (a finished recovery's timeout, a replaced IWithTimers timer).
            if (timer.IsCancelled)
            {
                _timers.RemoveFirst();
                continue;
            }
            if (due > end) return false;
            if (due > _now) _now = due;
            return true;
        }
        return false;
    }
}
