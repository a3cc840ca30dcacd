using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Backend;

/// <summary>The backend served a <see cref="BackendRequest"/> (backend -> device).</summary>
/// <param name="Tag">The request's tag.</param>
/// <param name="Queue">The request's virtqueue.</param>
/// <param name="Written">The used length to report to the driver (bytes written into the chain).</param>
/// <param name="Writable">The bytes of the chain's whole device-writable part (data in, then the status byte last).</param>
public sealed record BackendReply(ulong Tag, ushort Queue, uint Written, byte[] Writable) : IBackendProtocol, IWireMessage<BackendReply>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BackendReply;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteVarUInt64(Queue);
        writer.WriteVarUInt64(Written);
        writer.WriteBytes(Writable);
    }

    /// <inheritdoc />
    public static BackendReply Read(ref WireReader reader) => new(reader.ReadVarUInt64(), WireChecks.U16(reader.ReadVarUInt64(), "queue"),
        WireChecks.U32(reader.ReadVarUInt64(), "written"), reader.ReadBytes().ToArray());
}
