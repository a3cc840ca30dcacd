using Akka.Actor;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Simulation.Environment;

/// <summary>
/// The randomness and time of an actor system, the only ones its actors may use (an Akka.NET extension: reach it
/// with <c>ActorEnvironment.For(Context.System)</c>, once, in the actor's constructor). Under simulation the
/// random source is seeded from the simulator's seed and the system's name, and the clock is virtual; in real time
/// the seed comes from <c>virtsim.actors.seed</c> (random when absent) and the clock is real. The same actor code
/// runs in both.
/// </summary>
public sealed class ActorEnvironment : IExtension
{
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _start;

    internal ActorEnvironment(ExtendedActorSystem system)
    {
        _scheduler = system.Scheduler;
        _start = _scheduler is VirtualTimeScheduler ? TimeSpan.Zero : _scheduler.MonotonicClock;
        Simulator = (_scheduler as VirtualTimeScheduler)?.Simulator;
        int seed = Simulator is { } simulator
            ? unchecked((int)TraceHash.Of($"{simulator.Seed}/{system.Name}"))
            : system.Settings.Config.HasPath("virtsim.actors.seed")
                ? system.Settings.Config.GetInt("virtsim.actors.seed")
                : System.Random.Shared.Next();
        Random = new SeededRandomSource(seed);
        Clock = new SchedulerClock(this);
    }

    /// <summary>The system's random source.</summary>
    public IRandomSource Random { get; }

    /// <summary>The system's clock: virtual under simulation, real otherwise.</summary>
    public IClock Clock { get; }

    /// <summary>The simulator running the system, or null in real time.</summary>
    public Simulator? Simulator { get; }

    /// <summary>True when the system runs under a <see cref="Engine.Simulator"/>.</summary>
    public bool IsSimulated => Simulator is not null;

    /// <summary>The environment of <paramref name="system"/>.</summary>
    public static ActorEnvironment For(ActorSystem system) => system.WithExtension<ActorEnvironment, ActorEnvironmentProvider>();

    private sealed class SchedulerClock(ActorEnvironment environment) : IClock
    {
        public TimeSpan Elapsed => environment._scheduler.MonotonicClock - environment._start;

        public DateTimeOffset UtcNow => environment._scheduler.Now;
    }
}

/// <summary>Creates the <see cref="ActorEnvironment"/> extension of an actor system.</summary>
public sealed class ActorEnvironmentProvider : ExtensionIdProvider<ActorEnvironment>
{
    /// <inheritdoc />
    public override ActorEnvironment CreateExtension(ExtendedActorSystem system) => new(system);
}
