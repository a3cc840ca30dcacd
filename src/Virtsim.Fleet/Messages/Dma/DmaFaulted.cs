using Virtsim.Fleet.Messages.Wire;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>A DMA failed (host -> device/queue): no mapping, wrong permission, or outside guest memory.</summary>
/// <param name="Tag">The request's tag.</param>
/// <param name="Fault">Why.</param>
/// <param name="Address">The faulting address.</param>
/// <param name="IsWrite">True when the access was a write.</param>
/// <param name="Reason">The host's words for it (which domain refused what), or null.</param>
public sealed record DmaFaulted(ulong Tag, MemoryFaultKind Fault, ulong Address, bool IsWrite, string? Reason = null) : IDmaProtocol, IWireMessage<DmaFaulted>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DmaFaulted;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteByte((byte)Fault);
        writer.WriteFixed64(Address);
        writer.WriteBool(IsWrite);
        writer.WriteString(Reason);
    }

    /// <inheritdoc />
    public static DmaFaulted Read(ref WireReader reader) => new(
        reader.ReadVarUInt64(),
        WireChecks.Enum<MemoryFaultKind>(reader.ReadByte(), "fault"),
        reader.ReadFixed64(),
        reader.ReadBool(),
        reader.ReadString());
}
