using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages.Doorbell;

/// <summary>
/// A queue doorbell (driver -> transport endpoint -> queue): the driver wrote the notify register of
/// <paramref name="Queue"/>. With VIRTIO_F_NOTIFICATION_DATA it carries the 32-bit notification value
/// (queue index plus next avail index / offset and wrap counter).
/// </summary>
/// <param name="Queue">The virtqueue index.</param>
/// <param name="NotificationData">The notification value; meaningful only when <paramref name="HasNotificationData"/>.</param>
/// <param name="HasNotificationData">True when the driver wrote a full notification value.</param>
public sealed record DoorbellMessage(ushort Queue, uint NotificationData = 0, bool HasNotificationData = false) : IDoorbellProtocol, IWireMessage<DoorbellMessage>
{
    /// <inheritdoc />
    public static ushort WireTypeId => FleetWireIds.Doorbell;

    /// <summary>The notification value, or null when the doorbell carried only the queue index.</summary>
    public uint? Data => HasNotificationData ? NotificationData : null;

    /// <inheritdoc />
    public void Write(ref WireWriter writer)
    {
        writer.WriteVarUInt64(Queue);
        writer.WriteBool(HasNotificationData);
        if (HasNotificationData) writer.WriteVarUInt64(NotificationData);
    }

    /// <inheritdoc />
    public static DoorbellMessage Read(ref WireReader reader)
    {
        ushort queue = WireChecks.U16(reader.ReadVarUInt64(), "doorbell queue");
        bool has = reader.ReadBool();
        uint data = has ? WireChecks.U32(reader.ReadVarUInt64(), "notification data") : 0;
        return new DoorbellMessage(queue, data, has);
    }
}
