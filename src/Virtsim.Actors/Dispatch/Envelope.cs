using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Dispatch;

/// <summary>A message in a mailbox together with its sender. A struct: enqueuing allocates nothing.</summary>
/// <param name="Message">The message object.</param>
/// <param name="Sender">The sender, or null for none.</param>
public readonly record struct Envelope(object Message, IActorRef? Sender);
