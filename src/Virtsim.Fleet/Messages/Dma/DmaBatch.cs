using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Dma;

/// <summary>
/// The bus transactions one pass over a queue made (queue -> host), by kind, taken from the core's
/// <see cref="Virtsim.Virtio.Memory.TransactionCounters"/> deltas. The ring work itself already ran against guest
/// memory through the IOMMU; this message charges its time: the host accounts the transactions and replies
/// <see cref="DmaCompleted"/> after <paramref name="LatencyTicks"/> of virtual time.
/// </summary>
/// <param name="Tag">The requester's tag.</param>
/// <param name="Queue">The queue index.</param>
/// <param name="Descriptors">Descriptor reads.</param>
/// <param name="RingIndex">Ring index and flags accesses.</param>
/// <param name="RingEntries">Ring entry accesses.</param>
/// <param name="DataReads">Payload reads.</param>
/// <param name="DataWrites">Payload writes.</param>
/// <param name="EventSuppression">Event suppression accesses.</param>
/// <param name="Bytes">Payload bytes moved.</param>
/// <param name="LatencyTicks">The virtual time the transactions take (100 ns ticks).</param>
public sealed record DmaBatch(ulong Tag, ushort Queue, uint Descriptors, uint RingIndex, uint RingEntries, uint DataReads, uint DataWrites,
    uint EventSuppression, ulong Bytes, long LatencyTicks) : IDmaProtocol, IWireMessage<DmaBatch>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.DmaBatch;

    /// <summary>All transactions in the batch.</summary>
    public long Transactions => (long)Descriptors + RingIndex + RingEntries + DataReads + DataWrites + EventSuppression;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Tag);
        writer.WriteVarUInt64(Queue);
        writer.WriteVarUInt64(Descriptors);
        writer.WriteVarUInt64(RingIndex);
        writer.WriteVarUInt64(RingEntries);
        writer.WriteVarUInt64(DataReads);
        writer.WriteVarUInt64(DataWrites);
        writer.WriteVarUInt64(EventSuppression);
        writer.WriteVarUInt64(Bytes);
        writer.WriteVarInt64(LatencyTicks);
    }

    /// <inheritdoc />
    public static DmaBatch Read(ref WireReader reader) => new(
        reader.ReadVarUInt64(),
        WireChecks.U16(reader.ReadVarUInt64(), "queue"),
        WireChecks.U32(reader.ReadVarUInt64(), "descriptors"),
        WireChecks.U32(reader.ReadVarUInt64(), "ring index"),
        WireChecks.U32(reader.ReadVarUInt64(), "ring entries"),
        WireChecks.U32(reader.ReadVarUInt64(), "data reads"),
        WireChecks.U32(reader.ReadVarUInt64(), "data writes"),
        WireChecks.U32(reader.ReadVarUInt64(), "event suppression"),
        reader.ReadVarUInt64(),
        reader.ReadVarInt64());
}
