using Akka.Actor;

namespace Virtsim.Simulation.Tracing;

/// <summary>
/// Sees every message an actor of the simulation takes from its mailbox, in delivery order, on the simulation
/// thread (register with <see cref="Engine.Simulator.Observe"/>). For recording a run's trace to compare two runs.
/// </summary>
public interface IDeliveryObserver
{
    /// <summary>Called once per delivered message, just before the actor handles it.</summary>
    /// <param name="at">The virtual time.</param>
    /// <param name="sender">The sender (<see cref="ActorRefs.NoSender"/> or dead letters when none).</param>
    /// <param name="receiver">The receiving actor.</param>
    /// <param name="message">The message.</param>
    void OnDelivered(TimeSpan at, IActorRef sender, IActorRef receiver, object message);
}
