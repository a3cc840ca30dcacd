using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Transport;

/// <summary>
/// The transport-visible registers of one virtqueue (spec §4.1.4.3 / §4.2.2): size, ready/enable, the three
/// area addresses, MSI-X vector, notify offset and notification identifier, plus the live device queue while
/// enabled. Changed only through <see cref="VirtioDeviceModel"/>.
/// </summary>
public sealed class VirtqueueRegisters
{
    internal VirtqueueRegisters(int index, ushort maxSize)
    {
        Index = index;
        MaxSize = maxSize;
        Clear();
    }

    /// <summary>The queue index.</summary>
    public int Index { get; }

    /// <summary>Largest size the device supports (queue_size at reset / QueueNumMax).</summary>
    public ushort MaxSize { get; }

    /// <summary>queue_size / QueueNum as the driver last wrote it (<see cref="MaxSize"/> after reset).</summary>
    public ushort Size { get; internal set; }

    /// <summary>queue_enable / QueueReady.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>queue_desc / QueueDesc.</summary>
    public ulong DescriptorArea { get; internal set; }

    /// <summary>queue_driver / QueueDriver.</summary>
    public ulong DriverArea { get; internal set; }

    /// <summary>queue_device / QueueDevice.</summary>
    public ulong DeviceArea { get; internal set; }

    /// <summary>queue_msix_vector (NO_VECTOR when unmapped).</summary>
    public ushort MsixVector { get; internal set; }

    /// <summary>queue_notify_off: this device uses the queue index.</summary>
    public ushort NotifyOffset => (ushort)Index;

    /// <summary>queue_notif_config_data: the identifier a driver writes with NOTIF_CONFIG_DATA (here the index).</summary>
    public ushort NotifConfigData => (ushort)Index;

    /// <summary>The device queue while enabled, else null.</summary>
    public IDeviceQueue? Queue { get; internal set; }

    /// <summary>Returns the address of <paramref name="area"/>.</summary>
    public ulong GetArea(QueueArea area) => area switch
    {
        QueueArea.Descriptor => DescriptorArea,
        QueueArea.Driver => DriverArea,
        _ => DeviceArea,
    };

    internal void SetArea(QueueArea area, ulong address)
    {
        switch (area)
        {
            case QueueArea.Descriptor: DescriptorArea = address; break;
            case QueueArea.Driver: DriverArea = address; break;
            default: DeviceArea = address; break;
        }
    }

    internal void Clear()
    {
        Size = MaxSize;
        Enabled = false;
        DescriptorArea = 0;
        DriverArea = 0;
        DeviceArea = 0;
        MsixVector = global::Virtsim.Virtio.Transport.MsixVector.NoVector;
        Queue = null;
    }
}
