using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Blk;

/// <summary>A completed block request (driver -> workload).</summary>
/// <param name="Id">The request id.</param>
/// <param name="Status">The virtio-blk status byte (OK 0, IOERR 1, UNSUPP 2).</param>
/// <param name="Data">For IN the bytes read; empty otherwise.</param>
public sealed record BlkCompletion(ulong Id, byte Status, byte[] Data) : IBlkProtocol, IWireMessage<BlkCompletion>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BlkCompletion;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Id);
        writer.WriteByte(Status);
        writer.WriteBytes(Data);
    }

    /// <inheritdoc />
    public static BlkCompletion Read(ref WireReader reader) => new(reader.ReadVarUInt64(), reader.ReadByte(), reader.ReadBytes().ToArray());
}
