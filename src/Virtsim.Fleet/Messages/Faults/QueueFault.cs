using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// A queue found a malformed ring (queue -> transport endpoint); the endpoint puts the device into
/// DEVICE_NEEDS_RESET with <paramref name="Reason"/> and raises the configuration change interrupt.
/// </summary>
/// <param name="Queue">The virtqueue index.</param>
/// <param name="Reason">The core's <c>QueueError.Reason</c>.</param>
public sealed record QueueFault(ushort Queue, string Reason) : IFaultProtocol, IWireMessage<QueueFault>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.QueueFault;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Queue);
        writer.WriteString(Reason);
    }

    /// <inheritdoc />
    public static QueueFault Read(ref WireReader reader) =>
        new(WireChecks.U16(reader.ReadVarUInt64(), "queue"), reader.ReadString() ?? string.Empty);
}
