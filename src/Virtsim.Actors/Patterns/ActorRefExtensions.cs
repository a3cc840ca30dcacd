using Virtsim.Actors.Actors;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Patterns;

/// <summary>Tell with an implicit sender, forward, and ask.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Tells with the current actor as sender when called from inside an actor, with no sender otherwise.
    /// </summary>
    public static void Tell(this IActorRef target, object message) => target.Tell(message, ActorCell.CurrentSelf);

    /// <summary>Tells keeping the sender of the message being processed (call from inside an actor).</summary>
    public static void Forward(this IActorRef target, object message, IActorContext context) =>
        target.Tell(message, context.Sender);

    /// <summary>
    /// Sends <paramref name="message"/> with a temporary ref as sender and returns a task completed by the first
    /// reply: the reply itself when it is a <typeparamref name="TReply"/>, an exception for a
    /// <see cref="Messages.StatusFailure"/> or another type, <see cref="AskTimeoutException"/> after
    /// <paramref name="timeout"/> on the dispatcher's clock (virtual under simulation). Do not block on the task
    /// inside an actor; under simulation, drive the simulation until it completes.
    /// </summary>
    /// <param name="target">The actor to ask.</param>
    /// <param name="message">The question.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="system">The system whose scheduler and /temp serve the ask; inferred for local targets.</param>
    public static Task<TReply> Ask<TReply>(this IActorRef target, object message, TimeSpan timeout, ActorSystem? system = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        system ??= (target as LocalActorRef)?.Cell.System ?? ActorCell.CurrentSystem
            ?? throw new ArgumentException("Pass the actor system to ask a non-local ref.", nameof(system));
        var future = new FutureActorRef<TReply>(system);
        future.StartTimeout(timeout, target, message);
        target.Tell(message, future);
        return future.Task;
    }
}
