using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>Injects <paramref name="Kind"/> into queue <paramref name="Queue"/> (simulator -> transport endpoint -> queue).</summary>
/// <param name="Kind">The fault.</param>
/// <param name="Queue">The virtqueue index.</param>
public sealed record InjectFault(FaultKind Kind, ushort Queue) : IFaultProtocol, IWireMessage<InjectFault>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.InjectFault;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)Kind);
        writer.WriteVarUInt64(Queue);
    }

    /// <inheritdoc />
    public static InjectFault Read(ref WireReader reader) =>
        new(WireChecks.Enum<FaultKind>(reader.ReadByte(), "fault kind"), WireChecks.U16(reader.ReadVarUInt64(), "queue"));
}
