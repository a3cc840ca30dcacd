using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Backend;

/// <summary>
/// One request chain handed by the device actor to its backend (device -> backend). The device popped the chain and
/// copied its driver-readable part out of guest memory; the backend serves it against the disk and answers with a
/// <see cref="BackendReply"/> carrying the same <paramref name="Tag"/>. A tag is served and completed at most once by
/// the device, so the device may send the same request again after a backend restart.
/// </summary>
/// <param name="Tag">The device's id of this request (unique per device, increasing in pop order).</param>
/// <param name="Queue">The virtqueue the chain came from.</param>
/// <param name="FeaturesLow">Negotiated features, bits 0-63 (the backend serves with them, as the core's device type does).</param>
/// <param name="FeaturesHigh">Negotiated features, bits 64-127.</param>
/// <param name="Writeback">The write cache mode the driver has configured (true: writeback, false: writethrough).</param>
/// <param name="WritableLength">Length of the chain's device-writable part (data in + status byte).</param>
/// <param name="Readable">The chain's driver-readable part (header + data out).</param>
public sealed record BackendRequest(ulong Tag, ushort Queue, ulong FeaturesLow, ulong FeaturesHigh, bool Writeback, uint WritableLength,
    byte[] Readable) : IBackendProtocol, IWireMessage<BackendRequest>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BackendRequest;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteVarUInt64(Queue);
        writer.WriteFixed64(FeaturesLow);
        writer.WriteFixed64(FeaturesHigh);
        writer.WriteBool(Writeback);
        writer.WriteVarUInt64(WritableLength);
        writer.WriteBytes(Readable);
    }

    /// <inheritdoc />
    public static BackendRequest Read(ref WireReader reader) => new(reader.ReadVarUInt64(), WireChecks.U16(reader.ReadVarUInt64(), "queue"),
        reader.ReadFixed64(), reader.ReadFixed64(), reader.ReadBool(), WireChecks.U32(reader.ReadVarUInt64(), "writable length"),
        reader.ReadBytes().ToArray());
}
