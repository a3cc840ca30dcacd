using Virtsim.Actors.Events;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tracing;

/// <summary>
/// A trace hook that publishes every delivery as a <see cref="MessageDelivered"/> on an event stream, so observers
/// subscribe to the trace like to dead letters. Deliveries of trace events themselves are not republished (an actor
/// subscriber would otherwise feed the trace forever). Costs one allocation per message: for diagnostics.
/// </summary>
public sealed class EventStreamTrace(EventStream stream) : IMessageTrace
{
    /// <inheritdoc />
    public void OnDelivered(IActorRef? sender, IActorRef receiver, object message)
    {
        if (message is MessageDelivered) return;
        stream.Publish(new MessageDelivered(sender, receiver, message));
    }
}
