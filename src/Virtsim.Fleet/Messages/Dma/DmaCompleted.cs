using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>A DMA finished (host -> device/queue): the bytes read, or empty for a write or a batch.</summary>
/// <param name="Tag">The request's tag.</param>
/// <param name="Data">The bytes read; empty for writes.</param>
public sealed record DmaCompleted(ulong Tag, byte[] Data) : IDmaProtocol, IWireMessage<DmaCompleted>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DmaCompleted;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteBytes(Data);
    }

    /// <inheritdoc />
    public static DmaCompleted Read(ref WireReader reader) => new(reader.ReadVarUInt64(), reader.ReadBytes().ToArray());
}
