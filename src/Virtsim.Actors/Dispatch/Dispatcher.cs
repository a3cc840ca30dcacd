using Virtsim.Actors.Time;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// Runs actors: decides which actor processes its next messages, on which thread and when, and owns time
/// (<see cref="Clock"/>, <see cref="Scheduler"/>). Two implementations share the same semantics:
/// <see cref="ThreadedDispatcher"/> (thread pool, real time) and <see cref="SimulationDispatcher"/> (one thread,
/// virtual time, seeded interleaving).
/// </summary>
public abstract class Dispatcher
{
    private protected Dispatcher(int throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        Throughput = throughput;
    }

    /// <summary>How many ordinary messages an actor processes per scheduling before yielding its thread.</summary>
    public int Throughput { get; }

    /// <summary>The time source of every actor run by this dispatcher.</summary>
    public abstract IClock Clock { get; }

    /// <summary>The timer service of every actor run by this dispatcher.</summary>
    public abstract IScheduler Scheduler { get; }

    /// <summary>Queues a mailbox whose scheduling flag the caller has just set.</summary>
    internal abstract void Schedule(Mailbox mailbox);
}
