using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>
/// Asks a host how many 4 KiB pages of a VM's memory device DMA has dirtied (a live migration's question); answered
/// with <see cref="DirtyLogReport"/>. With <paramref name="Clear"/> the log is collected and cleared.
/// </summary>
/// <param name="Pasid">The VM's IOMMU domain.</param>
/// <param name="Clear">True to clear the log after reading it.</param>
public sealed record QueryDirtyLog(uint Pasid, bool Clear = false) : IDmaProtocol, IWireMessage<QueryDirtyLog>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.QueryDirtyLog;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Pasid);
        writer.WriteBool(Clear);
    }

    /// <inheritdoc />
    public static QueryDirtyLog Read(ref WireReader reader) => new(WireChecks.U32(reader.ReadVarUInt64(), "pasid"), reader.ReadBool());
}
