using Virtsim.Actors.Hosting;
using Virtsim.Actors.Randomness;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Time;

namespace Virtsim.Actors.Actors;

/// <summary>
/// What an actor sees of the engine while it runs: its own ref, the current sender, its children, death watch,
/// timers, and the engine's time and randomness. Use it only from the actor's own message processing.
/// </summary>
public interface IActorContext
{
    /// <summary>The actor's own ref.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed; the dead-letter ref when there is none.</summary>
    IActorRef Sender { get; }

    /// <summary>The parent (supervisor); the root's parent is the dead-letter ref.</summary>
    IActorRef Parent { get; }

    /// <summary>The actor system (node) the actor lives in.</summary>
    ActorSystem System { get; }

    /// <summary>The live children (a snapshot).</summary>
    IReadOnlyList<IActorRef> Children { get; }

    /// <summary>The child with that name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>
    /// Creates a child actor. Its name must be unique among its siblings (a stopped child's name is free again once
    /// its termination is complete); null generates one starting with '$'.
    /// </summary>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child or the actor itself, after the message being processed.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers a <see cref="Messages.Terminated"/> when <paramref name="subject"/> stops (at once if it is gone).</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Cancels a watch; no <see cref="Messages.Terminated"/> for the subject is delivered afterwards.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>The actor's keyed timers; all are cancelled when it stops or restarts.</summary>
    ITimerScheduler Timers { get; }

    /// <summary>The engine's clock (virtual under simulation).</summary>
    IClock Clock { get; }

    /// <summary>The engine's scheduler (virtual time under simulation).</summary>
    IScheduler Scheduler { get; }

    /// <summary>The system's seeded random source.</summary>
    IRandomSource Random { get; }
}
