using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Blk;

/// <summary>
/// A block request from a guest application to its virtio-blk driver (workload -> driver). The driver answers with
/// a <see cref="BlkCompletion"/> for the same id exactly once, resubmitting across device resets as needed.
/// </summary>
/// <param name="Id">The application's request id.</param>
/// <param name="Type">A <see cref="Virtsim.Virtio.Devices.Blk.BlkRequestType"/> value (IN, OUT, FLUSH).</param>
/// <param name="Sector">The first 512-byte sector.</param>
/// <param name="Data">For OUT the bytes to write; for IN only the length matters (a multiple of 512).</param>
public sealed record BlkRequest(ulong Id, uint Type, ulong Sector, byte[] Data) : IBlkProtocol, IWireMessage<BlkRequest>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BlkRequest;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Id);
        writer.WriteVarUInt64(Type);
        writer.WriteVarUInt64(Sector);
        writer.WriteBytes(Data);
    }

    /// <inheritdoc />
    public static BlkRequest Read(ref WireReader reader) => new(
        reader.ReadVarUInt64(),
        WireChecks.U32(reader.ReadVarUInt64(), "type"),
        reader.ReadVarUInt64(),
        reader.ReadBytes().ToArray());
}
