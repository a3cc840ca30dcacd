using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// A device's persistent child (its journal, or a blk device's backend) tells the device actor, just before it stops,
/// that its store failed: the device then needs a reset and says why (the <c>Terminated</c> that follows has no reason).
/// </summary>
/// <param name="PersistenceId">The child's persistence id.</param>
/// <param name="Reason">The failure: phase, sequence number and the store's error.</param>
public sealed record StoreFailed(string PersistenceId, string Reason) : IFaultProtocol, IWireMessage<StoreFailed>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.StoreFailed;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteString(PersistenceId);
        writer.WriteString(Reason);
    }

    /// <inheritdoc />
    public static StoreFailed Read(ref WireReader reader) => new(reader.ReadString() ?? "", reader.ReadString() ?? "");
}
