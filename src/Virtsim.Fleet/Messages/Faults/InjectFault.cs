using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>Injects <paramref name="Kind"/> into queue <paramref name="Queue"/> (simulator -> transport endpoint -> queue).</summary>
/// <param name="Kind">The fault.</param>
/// <param name="Queue">The virtqueue index.</param>
/// <param name="Repeat">
/// False: the fault acts once, at the queue's next pass that finds something to corrupt. True: it stays armed and acts
/// at each pass with <paramref name="Probability"/> until an <see cref="InjectFault"/> with probability 0 disarms it.
/// </param>
/// <param name="Probability">The chance per pass of a repeated fault (0 disarms the queue's armed fault).</param>
/// <param name="Seed">Seeds the draws of a repeated fault, so a run's seed replays them.</param>
public sealed record InjectFault(FaultKind Kind, ushort Queue, bool Repeat = false, double Probability = 1, int Seed = 0)
    : IFaultProtocol, IWireMessage<InjectFault>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.InjectFault;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)Kind);
        writer.WriteVarUInt64(Queue);
        writer.WriteBool(Repeat);
        writer.WriteFixed64(BitConverter.DoubleToUInt64Bits(Probability));
        writer.WriteVarInt64(Seed);
    }

    /// <inheritdoc />
    public static InjectFault Read(ref WireReader reader) =>
        new(WireChecks.Enum<FaultKind>(reader.ReadByte(), "fault kind"), WireChecks.U16(reader.ReadVarUInt64(), "queue"),
            reader.ReadBool(), BitConverter.UInt64BitsToDouble(reader.ReadFixed64()), (int)reader.ReadVarInt64());
}
