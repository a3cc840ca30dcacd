using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Backend;

/// <summary>
/// A restarted backend is ready again (backend -> device): the device sends it every request still in flight, since
/// whatever the crashed incarnation held was lost.
/// </summary>
/// <param name="Reason">The failure that made the supervisor restart it.</param>
public sealed record BackendRestarted(string Reason) : IBackendProtocol, IWireMessage<BackendRestarted>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.BackendRestarted;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteString(Reason);

    /// <inheritdoc />
    public static BackendRestarted Read(ref WireReader reader) => new(reader.ReadString() ?? "");
}
