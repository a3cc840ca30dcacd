using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>
/// A device reads guest memory (device/queue -> host): <paramref name="Length"/> bytes at IO-virtual address
/// <paramref name="Address"/> in the IOMMU domain <paramref name="Pasid"/>. Replied to with
/// <see cref="DmaCompleted"/> carrying the bytes, or <see cref="DmaFaulted"/>.
/// </summary>
/// <param name="Tag">The requester's correlation tag, echoed in the reply.</param>
/// <param name="Pasid">The IOMMU domain (one per VM).</param>
/// <param name="Address">The IO-virtual address.</param>
/// <param name="Length">Bytes to read (at most 1 MiB).</param>
public sealed record DmaRead(ulong Tag, uint Pasid, ulong Address, uint Length) : IDmaProtocol, IWireMessage<DmaRead>
{
    /// <summary>The largest single DMA transfer.</summary>
    public const uint MaxLength = 1 << 20;

    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DmaRead;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteVarUInt64(Pasid);
        writer.WriteFixed64(Address);
        writer.WriteVarUInt64(Length);
    }

    /// <inheritdoc />
    public static DmaRead Read(ref WireReader reader) => new(
        reader.ReadVarUInt64(),
        WireChecks.U32(reader.ReadVarUInt64(), "pasid"),
        reader.ReadFixed64(),
        WireChecks.U32(reader.ReadVarUInt64(), "length"));
}
