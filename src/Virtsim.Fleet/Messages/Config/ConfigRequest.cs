using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Config;

/// <summary>
/// A register access (driver -> transport endpoint). The endpoint performs it as real register reads and writes
/// on its PCI function or MMIO region and answers with a <see cref="ConfigReply"/> carrying the same tag.
/// </summary>
/// <param name="Tag">The driver's correlation tag.</param>
/// <param name="Operation">What to do.</param>
/// <param name="Index">Queue index, device config offset, or MSI-X vector count, per operation.</param>
/// <param name="Size">Queue size or access width, per operation.</param>
/// <param name="Vector">An MSI-X vector (SetupQueue).</param>
/// <param name="Value0">First operand.</param>
/// <param name="Value1">Second operand.</param>
/// <param name="Value2">Third operand.</param>
public sealed record ConfigRequest(uint Tag, ConfigOperation Operation, ushort Index = 0, ushort Size = 0, ushort Vector = 0xFFFF,
    ulong Value0 = 0, ulong Value1 = 0, ulong Value2 = 0) : IConfigProtocol, IWireMessage<ConfigRequest>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.ConfigRequest;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteByte((byte)Operation);
        writer.WriteVarUInt64(Index);
        writer.WriteVarUInt64(Size);
        writer.WriteVarUInt64(Vector);
        writer.WriteVarUInt64(Value0);
        writer.WriteVarUInt64(Value1);
        writer.WriteVarUInt64(Value2);
    }

    /// <inheritdoc />
    public static ConfigRequest Read(ref WireReader reader) => new(
        WireChecks.U32(reader.ReadVarUInt64(), "tag"),
        WireChecks.Enum<ConfigOperation>(reader.ReadByte(), "operation"),
        WireChecks.U16(reader.ReadVarUInt64(), "index"),
        WireChecks.U16(reader.ReadVarUInt64(), "size"),
        WireChecks.U16(reader.ReadVarUInt64(), "vector"),
        reader.ReadVarUInt64(),
        reader.ReadVarUInt64(),
        reader.ReadVarUInt64());
}
