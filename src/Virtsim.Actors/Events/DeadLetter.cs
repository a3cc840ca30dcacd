using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Events;

/// <summary>Published when a message could not be delivered because its recipient does not exist (any more).</summary>
/// <param name="Message">The undelivered message.</param>
/// <param name="Sender">Its sender, or null.</param>
/// <param name="Recipient">The ref it was sent to.</param>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);
