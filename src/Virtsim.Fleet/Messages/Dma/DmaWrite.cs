using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>
/// A device writes guest memory (device/queue -> host) at IO-virtual address <paramref name="Address"/> in the IOMMU
/// domain <paramref name="Pasid"/>. The write marks the VM's dirty log. Replied to with an empty
/// <see cref="DmaCompleted"/> or with <see cref="DmaFaulted"/>.
/// </summary>
/// <param name="Tag">The requester's correlation tag, echoed in the reply.</param>
/// <param name="Pasid">The IOMMU domain (one per VM).</param>
/// <param name="Address">The IO-virtual address.</param>
/// <param name="Data">The bytes to write (treated as immutable once sent).</param>
public sealed record DmaWrite(ulong Tag, uint Pasid, ulong Address, byte[] Data) : IDmaProtocol, IWireMessage<DmaWrite>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DmaWrite;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteVarUInt64(Pasid);
        writer.WriteFixed64(Address);
        writer.WriteBytes(Data);
    }

    /// <inheritdoc />
    public static DmaWrite Read(ref WireReader reader) => new(
        reader.ReadVarUInt64(),
        WireChecks.U32(reader.ReadVarUInt64(), "pasid"),
        reader.ReadFixed64(),
        reader.ReadBytes().ToArray());
}
