using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// The host changed a VM's IOMMU mapping (host -> each of the VM's device endpoints): every device actor translates
/// through its own copy of the domain, which only it touches, so the host tells it to unmap
/// (<paramref name="Mapped"/> false) or map back read-write (true) the identity range [<paramref name="Address"/>,
/// +<paramref name="Length"/>) (4 KiB aligned).
/// </summary>
/// <param name="Mapped">True to map the range, false to unmap it.</param>
/// <param name="Address">The first IO-virtual (= guest-physical) address.</param>
/// <param name="Length">Bytes.</param>
public sealed record IommuMappingChange(bool Mapped, ulong Address, ulong Length) : IFaultProtocol, IWireMessage<IommuMappingChange>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.IommuMappingChange;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Mapped ? 1UL : 0UL);
        writer.WriteFixed64(Address);
        writer.WriteVarUInt64(Length);
    }

    /// <inheritdoc />
    public static IommuMappingChange Read(ref WireReader reader)
    {
        ulong mapped = reader.ReadVarUInt64();
        if (mapped > 1) throw new WireFormatException($"mapped flag {mapped} is not 0 or 1");
        return new(mapped == 1, reader.ReadFixed64(), reader.ReadVarUInt64());
    }
}
