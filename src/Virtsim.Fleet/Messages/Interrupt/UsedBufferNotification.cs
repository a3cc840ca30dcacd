using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Interrupt;

/// <summary>
/// A queue asks its transport endpoint to raise the used buffer notification of <paramref name="Queue"/>
/// (queue -> endpoint); the endpoint turns it into an MSI-X vector or an ISR bit and the line.
/// </summary>
/// <param name="Queue">The virtqueue index.</param>
public sealed record UsedBufferNotification(ushort Queue) : IInterruptProtocol, IWireMessage<UsedBufferNotification>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.UsedBufferNotification;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteVarUInt64(Queue);

    /// <inheritdoc />
    public static UsedBufferNotification Read(ref WireReader reader) => new(WireChecks.U16(reader.ReadVarUInt64(), "queue"));
}
