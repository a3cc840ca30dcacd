using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// Fault injection (simulator -> device): the device actor crashes (throws) while handling it, losing everything it
/// held in memory; its supervisor (the host) restarts it, and with a world persistence the new incarnation comes back
/// from its journal. The device's backend and journal children stop with it and start afresh.
/// </summary>
/// <param name="Reason">Why, for the error log.</param>
public sealed record CrashDevice(string Reason) : IFaultProtocol, IWireMessage<CrashDevice>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.CrashDevice;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteString(Reason);

    /// <inheritdoc />
    public static CrashDevice Read(ref WireReader reader) => new(reader.ReadString() ?? "");
}
