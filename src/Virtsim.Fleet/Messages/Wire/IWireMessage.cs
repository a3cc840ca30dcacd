namespace Virtsim.Fleet.Messages.Wire;

/// <summary>
/// A message with a compact binary wire form, so it can cross process and machine boundaries unchanged.
/// Implement <see cref="IWireMessage{TSelf}"/> and register the type in a <see cref="WireRegistry"/>.
/// </summary>
public interface IWireMessage
{
    /// <summary>Writes the message's fields (not its type id).</summary>
    void Write(ref WireWriter writer);
}

/// <summary>The typed half of <see cref="IWireMessage"/>: the type id and the static reader.</summary>
/// <typeparam name="TSelf">The implementing message type.</typeparam>
public interface IWireMessage<TSelf> : IWireMessage where TSelf : IWireMessage<TSelf>
{
    /// <summary>
    /// The type's id on the wire (the Akka.NET serializer's manifest), unique within a registry.
    /// </summary>
    static abstract ushort WireTypeId { get; }

    /// <summary>Reads the fields written by <see cref="IWireMessage.Write"/>.</summary>
    static abstract TSelf Read(ref WireReader reader);
}
