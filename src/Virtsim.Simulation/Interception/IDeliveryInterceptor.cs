using Akka.Actor;

namespace Virtsim.Simulation.Interception;

/// <summary>
/// Decides the fate of every message sent to an actor of the simulation, as it enters the receiver's mailbox (register
/// with <see cref="Engine.Simulator.Intercept"/>): the one place where a simulated run drops, delays, duplicates,
/// reorders or alters messages in flight. Called on the simulation thread; a decision must come only from the
/// message, its ends and the simulation's seeded state, so a seed replays it.
/// </summary>
public interface IDeliveryInterceptor
{
    /// <summary>Called once for each message sent (not for one it released itself through a delay).</summary>
    /// <param name="sender">The sender (<see cref="ActorRefs.NoSender"/> or dead letters when none).</param>
    /// <param name="receiver">The receiving actor.</param>
    /// <param name="message">The message.</param>
    /// <returns>What to do with it.</returns>
    InterceptDecision Intercept(IActorRef sender, IActorRef receiver, object message);
}
