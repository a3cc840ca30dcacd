using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Events;

/// <summary>Published when an actor received a message its current behavior does not handle.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, or null.</param>
/// <param name="Recipient">The actor that did not handle it.</param>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);
