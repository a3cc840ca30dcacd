using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Blk;

/// <summary>A completed block request (driver -> workload).</summary>
/// <param name="Id">The request id.</param>
/// <param name="Status">The virtio-blk status byte (OK 0, IOERR 1, UNSUPP 2).</param>
/// <param name="Data">For IN the bytes read; empty otherwise.</param>
/// <param name="Durable">
/// The driver's promise: for a write, it is on stable storage (the device writes through); for a flush, every write
/// completed before the flush was submitted is. False otherwise, and whenever the status is not OK.
/// </param>
public sealed record BlkCompletion(ulong Id, byte Status, byte[] Data, bool Durable = false) : IBlkProtocol, IWireMessage<BlkCompletion>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BlkCompletion;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Id);
        writer.WriteByte(Status);
        writer.WriteBytes(Data);
        writer.WriteBool(Durable);
    }

    /// <inheritdoc />
    public static BlkCompletion Read(ref WireReader reader) =>
        new(reader.ReadVarUInt64(), reader.ReadByte(), reader.ReadBytes().ToArray(), reader.ReadBool());
}
