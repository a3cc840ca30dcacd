using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Interrupt;

/// <summary>
/// An interrupt (transport endpoint -> driver): an MSI-X vector or the assertion of the INTx / MMIO line.
/// The driver maps vectors to causes itself (config change or a queue); for the line it reads the ISR.
/// </summary>
/// <param name="Kind">MSI-X or line.</param>
/// <param name="Vector">The MSI-X vector; 0xFFFF for the line.</param>
/// <param name="Data">The MSI-X message data the driver programmed (0 for the line).</param>
public sealed record InterruptMessage(InterruptKind Kind, ushort Vector, uint Data = 0) : IInterruptProtocol, IWireMessage<InterruptMessage>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.Interrupt;

    /// <summary>The line interrupt (shared instance; messages are immutable).</summary>
    public static InterruptMessage Line { get; } = new(InterruptKind.Line, 0xFFFF);

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)Kind);
        writer.WriteVarUInt64(Vector);
        writer.WriteVarUInt64(Data);
    }

    /// <inheritdoc />
    public static InterruptMessage Read(ref WireReader reader) => new(
        WireChecks.Enum<InterruptKind>(reader.ReadByte(), "interrupt kind"),
        WireChecks.U16(reader.ReadVarUInt64(), "vector"),
        WireChecks.U32(reader.ReadVarUInt64(), "data"));
}
