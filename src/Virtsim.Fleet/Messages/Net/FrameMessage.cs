using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Net;

/// <summary>An Ethernet frame on the simulated wire (device -> switch -> device), without virtio-net header.</summary>
/// <param name="Frame">The frame bytes (treated as immutable once sent).</param>
public sealed record FrameMessage(byte[] Frame) : INetProtocol, IWireMessage<FrameMessage>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.Frame;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteBytes(Frame);

    /// <inheritdoc />
    public static FrameMessage Read(ref WireReader reader) => new(reader.ReadBytes().ToArray());
}
