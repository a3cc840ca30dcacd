using Virtsim.Actors.Supervision;
using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Messages;

/// <summary>
/// Makes the receiving actor fail with <see cref="ActorKilledException"/> when it reaches this message; its
/// supervisor then decides (the default strategy stops it).
/// </summary>
public sealed class Kill : IWireMessage<Kill>, IAutoReceivedMessage
{
    /// <summary>The single instance.</summary>
    public static readonly Kill Instance = new();

    private Kill() { }

    /// <inheritdoc />
    public static ushort WireTypeId => 3;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) { }

    /// <inheritdoc />
    public static Kill Read(ref WireReader reader) => Instance;
}
