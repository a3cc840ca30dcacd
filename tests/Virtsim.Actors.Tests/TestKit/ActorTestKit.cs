using System.Collections.Concurrent;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Patterns;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Tests.TestKit;

/// <summary>
/// One actor system on either dispatcher, with helpers that wait in the dispatcher's own time: real time (generous
/// timeouts) under the threaded dispatcher, virtual time (driving the simulation) under simulation.
/// </summary>
public sealed class ActorTestKit : IDisposable
{
    public static readonly TheoryData<DispatcherKind> BothDispatchers = new() { DispatcherKind.Threaded, DispatcherKind.Simulation };

    public ActorTestKit(DispatcherKind kind, int seed = 42, SupervisorStrategy? guardianStrategy = null, string node = "test")
    {
        Kind = kind;
        Simulation = kind == DispatcherKind.Simulation ? new SimulationDispatcher(seed) : null;
        System = ActorSystem.Create(node, new ActorSystemOptions
        {
            Dispatcher = Simulation ?? (Dispatcher)new ThreadedDispatcher(),
            Seed = seed,
            GuardianStrategy = guardianStrategy,
        });
    }

    public DispatcherKind Kind { get; }
    public ActorSystem System { get; }
    public SimulationDispatcher? Simulation { get; }

    /// <summary>How long ExpectMsg waits: 5 s real, or 10 s virtual.</summary>
    public TimeSpan DefaultTimeout => Simulation is null ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(10);

    /// <summary>How long ExpectNoMsg watches: 200 ms real, or 3 s virtual.</summary>
    public TimeSpan DefaultQuietPeriod => Simulation is null ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(3);

    public TestProbe CreateProbe(string? name = null) => new(this, name);

    public IActorRef ActorOf(Props props, string? name = null) => System.ActorOf(props, name);

    /// <summary>Waits until <paramref name="condition"/> holds; false on timeout.</summary>
    public bool AwaitCondition(Func<bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (Simulation is not null) return Simulation.RunUntil(condition, limit);
        return SpinWait.SpinUntil(condition, limit);
    }

    /// <summary>Waits for a task in the dispatcher's time and returns its result (or throws its exception).</summary>
    public T Await<T>(Task<T> task, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (Simulation is not null) Simulation.RunUntil(() => task.IsCompleted, limit);
        else
        {
            try
            {
                task.Wait(limit);
            }
            catch (AggregateException)
            {
                // rethrown unwrapped below
            }
        }
        if (!task.IsCompleted) throw new TimeoutException($"Task not completed within {limit}.");
        return task.GetAwaiter().GetResult();
    }

    public T Ask<T>(IActorRef target, object message, TimeSpan? timeout = null) =>
        Await(target.Ask<T>(message, timeout ?? DefaultTimeout, System), (timeout ?? DefaultTimeout) + TimeSpan.FromSeconds(1));

    /// <summary>Under simulation, processes everything ready; under threads, a no-op.</summary>
    public void Settle() => Simulation?.RunUntilIdle();

    /// <summary>Collects every event of a type published from now on.</summary>
    public ConcurrentQueue<T> Collect<T>()
    {
        var q = new ConcurrentQueue<T>();
        System.EventStream.Subscribe<T>(q.Enqueue);
        return q;
    }

    public void Dispose() => System.Dispose();
}
