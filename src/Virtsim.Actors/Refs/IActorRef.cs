using Virtsim.Actors.Addressing;

namespace Virtsim.Actors.Refs;

/// <summary>
/// A handle to an actor. Refs are location transparent: telling a ref works the same whether the actor lives in
/// this process or elsewhere. Two refs are equal when they point at the same incarnation (path and uid).
/// </summary>
public interface IActorRef
{
    /// <summary>The actor's address.</summary>
    ActorPath Path { get; }

    /// <summary>
    /// The incarnation number: a new actor spawned later at the same path has a different uid. 0 when unknown.
    /// </summary>
    long Uid { get; }

    /// <summary>Sends a message, fire-and-forget. The receiver sees <paramref name="sender"/> as its Sender.</summary>
    /// <param name="message">An immutable message object.</param>
    /// <param name="sender">The ref replies should go to, or null for none.</param>
    void Tell(object message, IActorRef? sender);
}
