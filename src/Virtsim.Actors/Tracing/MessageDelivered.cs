using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tracing;

/// <summary>
/// The event-stream form of one trace entry, published by <see cref="EventStreamTrace"/>: an actor received a message.
/// </summary>
/// <param name="Sender">The sender, or null.</param>
/// <param name="Receiver">The receiving actor.</param>
/// <param name="Message">The message.</param>
public sealed record MessageDelivered(IActorRef? Sender, IActorRef Receiver, object Message);
