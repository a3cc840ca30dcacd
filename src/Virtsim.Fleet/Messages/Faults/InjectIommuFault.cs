using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// Removes the IOMMU mapping of [<paramref name="Address"/>, +<paramref name="Length"/>) in domain
/// <paramref name="Pasid"/> for <paramref name="DurationTicks"/> of virtual time, then maps it back (simulator -> host).
/// Device accesses to the range fault meanwhile (a malformed ring: DEVICE_NEEDS_RESET). Address and length are rounded
/// out to 4 KiB pages.
/// </summary>
/// <param name="Pasid">The VM's IOMMU domain.</param>
/// <param name="Address">The first IO-virtual address.</param>
/// <param name="Length">Bytes.</param>
/// <param name="DurationTicks">How long the range stays unmapped (100 ns ticks).</param>
public sealed record InjectIommuFault(uint Pasid, ulong Address, ulong Length, long DurationTicks) : IFaultProtocol, IWireMessage<InjectIommuFault>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.InjectIommuFault;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Pasid);
        writer.WriteFixed64(Address);
        writer.WriteVarUInt64(Length);
        writer.WriteVarInt64(DurationTicks);
    }

    /// <inheritdoc />
    public static InjectIommuFault Read(ref WireReader reader) => new(
        WireChecks.U32(reader.ReadVarUInt64(), "pasid"), reader.ReadFixed64(), reader.ReadVarUInt64(), reader.ReadVarInt64());
}
