using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues;

/// <summary>
/// A typed virtqueue error: what is wrong, where (descriptor index and guest address when known), and the
/// memory fault underneath when an access failed. <see cref="Reason"/> is what a device records with
/// DEVICE_NEEDS_RESET.
/// </summary>
public readonly record struct QueueError(QueueErrorKind Kind, ushort DescriptorIndex = 0, ulong Address = 0, MemoryFaultKind Fault = MemoryFaultKind.None)
{
    /// <summary>No error.</summary>
    public static QueueError None => default;

    /// <summary>True when this is an actual error.</summary>
    public bool IsError => Kind != QueueErrorKind.None;

    /// <summary>An error built from a failed device-memory access.</summary>
    public static QueueError FromFault(QueueErrorKind kind, MemoryFault fault, ushort descriptorIndex = 0) =>
        new(fault.Kind is MemoryFaultKind.IommuNoMapping or MemoryFaultKind.IommuPermission ? QueueErrorKind.IommuFault : kind,
            descriptorIndex, fault.Address, fault.Kind);

    /// <summary>A readable reason.</summary>
    public string Reason => Kind switch
    {
        QueueErrorKind.None => "no error",
        _ => $"{Kind} at descriptor {DescriptorIndex}, address 0x{Address:x}" + (Fault == MemoryFaultKind.None ? "" : $" ({Fault})"),
    };

    /// <inheritdoc />
    public override string ToString() => Reason;
}
