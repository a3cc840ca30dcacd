using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tracing;

/// <summary>
/// Observes every message delivered to an actor, in delivery order, just before the actor handles it. Register
/// with <see cref="Hosting.ActorSystem.AddTrace"/>. Under the threaded dispatcher calls come from many threads;
/// implementations must be thread-safe. When no trace is registered the hot path pays one field read.
/// </summary>
public interface IMessageTrace
{
    /// <summary>Called once per delivered message.</summary>
    /// <param name="sender">The sender, or null.</param>
    /// <param name="receiver">The receiving actor.</param>
    /// <param name="message">The message.</param>
    void OnDelivered(IActorRef? sender, IActorRef receiver, object message);
}
