using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>The answer to <see cref="QueryDirtyLog"/>.</summary>
/// <param name="Pasid">The VM's IOMMU domain.</param>
/// <param name="DirtyPages">Dirty 4 KiB pages (-1 when the host has no such VM).</param>
public sealed record DirtyLogReport(uint Pasid, int DirtyPages) : IDmaProtocol, IWireMessage<DirtyLogReport>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DirtyLogReport;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Pasid);
        writer.WriteVarInt64(DirtyPages);
    }

    /// <inheritdoc />
    public static DirtyLogReport Read(ref WireReader reader)
    {
        uint pasid = WireChecks.U32(reader.ReadVarUInt64(), "pasid");
        long pages = reader.ReadVarInt64();
        return pages is >= -1 and <= int.MaxValue ? new DirtyLogReport(pasid, (int)pages) : throw new WireFormatException($"dirty page count {pages} is out of range.");
    }
}
