using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Messages.Backend;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// Fault injection (simulator -> host): crash one of the host's devices, or its backend, by sending it
/// <see cref="CrashDevice"/> or <see cref="CrashBackend"/>. Going through the host lets a fault reach a device from the
/// very start of a run: the host handles it after it has built its devices, so a crash at virtual time 0 is not lost
/// to a device actor that does not exist yet.
/// </summary>
/// <param name="Device">The device on this host, as "vm/device".</param>
/// <param name="Target">The device actor or its backend.</param>
/// <param name="Reason">Why, for the error log.</param>
public sealed record InjectCrash(string Device, CrashTarget Target, string Reason) : IFaultProtocol, IWireMessage<InjectCrash>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.InjectCrash;

    /// <summary>The message the device's actor receives.</summary>
    public object ToDeviceMessage() => Target == CrashTarget.Device ? new CrashDevice(Reason) : new CrashBackend(Reason);

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteString(Device);
        writer.WriteByte((byte)Target);
        writer.WriteString(Reason);
    }

    /// <inheritdoc />
    public static InjectCrash Read(ref WireReader reader) => new(
        reader.ReadString() ?? "", WireChecks.Enum<CrashTarget>(reader.ReadByte(), "crash target"), reader.ReadString() ?? "");
}
