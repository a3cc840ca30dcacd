using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Messages;

/// <summary>Stops the receiving actor once it reaches this message: messages queued before it are processed.</summary>
public sealed class PoisonPill : IWireMessage<PoisonPill>, IAutoReceivedMessage
{
    /// <summary>The single instance.</summary>
    public static readonly PoisonPill Instance = new();

    private PoisonPill() { }

    /// <inheritdoc />
    public static ushort WireTypeId => 2;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) { }

    /// <inheritdoc />
    public static PoisonPill Read(ref WireReader reader) => Instance;
}
