namespace Virtsim.Actors.Wire;

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
    /// The type's id on the wire, unique within a registry. Ids below <see cref="WireRegistry.FirstUserTypeId"/>
    /// are reserved for the engine's own messages.
    /// </summary>
    static abstract ushort WireTypeId { get; }

    /// <summary>Reads the fields written by <see cref="IWireMessage.Write"/>.</summary>
    static abstract TSelf Read(ref WireReader reader);
}
