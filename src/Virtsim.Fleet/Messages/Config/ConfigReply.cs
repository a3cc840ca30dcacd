using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Config;

/// <summary>The outcome of a <see cref="ConfigRequest"/> (transport endpoint -> driver).</summary>
/// <param name="Tag">The request's tag.</param>
/// <param name="Operation">The request's operation.</param>
/// <param name="Ok">False when the device refused (the reason says why).</param>
/// <param name="Value0">First result.</param>
/// <param name="Value1">Second result.</param>
/// <param name="Reason">Why the operation failed, or null.</param>
/// <param name="Aborted">
/// True when the device crashed after taking the request and before answering it (not Ok): the access may or may not
/// have taken effect, as when PCIe aborts a non-posted request to a function that went away. The driver cannot trust
/// what it configured and starts over from a reset.
/// </param>
public sealed record ConfigReply(uint Tag, ConfigOperation Operation, bool Ok, ulong Value0 = 0, ulong Value1 = 0, string? Reason = null,
    bool Aborted = false)
    : IConfigProtocol, IWireMessage<ConfigReply>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.ConfigReply;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteByte((byte)Operation);
        writer.WriteBool(Ok);
        writer.WriteVarUInt64(Value0);
        writer.WriteVarUInt64(Value1);
        writer.WriteString(Reason);
        writer.WriteBool(Aborted);
    }

    /// <inheritdoc />
    public static ConfigReply Read(ref WireReader reader) => new(
        WireChecks.U32(reader.ReadVarUInt64(), "tag"),
        WireChecks.Enum<ConfigOperation>(reader.ReadByte(), "operation"),
        reader.ReadBool(),
        reader.ReadVarUInt64(),
        reader.ReadVarUInt64(),
        reader.ReadString(),
        reader.ReadBool());
}
