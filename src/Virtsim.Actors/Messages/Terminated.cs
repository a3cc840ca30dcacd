using Virtsim.Actors.Refs;
using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Messages;

/// <summary>
/// Delivered to an actor that watches <see cref="Actor"/> (see <c>IActorContext.Watch</c>) once that actor stopped.
/// It arrives after every message the stopped actor sent to the watcher before stopping.
/// </summary>
/// <param name="Actor">The actor that stopped.</param>
public sealed record Terminated(IActorRef Actor) : IWireMessage<Terminated>, IAutoReceivedMessage
{
    /// <inheritdoc />
    public static ushort WireTypeId => 1;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteActorRef(Actor);

    /// <inheritdoc />
    public static Terminated Read(ref WireReader reader) =>
        new(reader.ReadActorRef() ?? throw new WireFormatException("Terminated without an actor."));
}
