using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Backend;

/// <summary>
/// Fault injection (simulator -> device -> backend): the device's backend crashes (throws) while handling it, as a
/// vhost-user process or a VF's firmware dies; its supervisor, the device actor, restarts it.
/// </summary>
/// <param name="Reason">Why, for the error log.</param>
public sealed record CrashBackend(string Reason) : IBackendProtocol, IWireMessage<CrashBackend>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.CrashBackend;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteString(Reason);

    /// <inheritdoc />
    public static CrashBackend Read(ref WireReader reader) => new(reader.ReadString() ?? "");
}
