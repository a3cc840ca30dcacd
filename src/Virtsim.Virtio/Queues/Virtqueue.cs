using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Virtio.Queues;

/// <summary>Creates driver-side and device-side queues of the format a configuration names.</summary>
public static class Virtqueue
{
    /// <summary>A device-side queue for <paramref name="config"/> over <paramref name="memory"/>.</summary>
    public static IDeviceQueue CreateDevice(QueueConfig config, DeviceMemory memory) => config.Format switch
    {
        QueueFormat.Split => new SplitDeviceQueue(config, memory),
        _ => new PackedDeviceQueue(config, memory),
    };

    /// <summary>A device-side queue continuing from <paramref name="state"/> over <paramref name="memory"/>.</summary>
    public static IDeviceQueue RestoreDevice(QueueState state, DeviceMemory memory) => state.Config.Format switch
    {
        QueueFormat.Split => SplitDeviceQueue.Restore(state, memory),
        _ => PackedDeviceQueue.Restore(state, memory),
    };

    /// <summary>
    /// A driver-side queue for <paramref name="config"/> writing guest memory directly; indirect tables are
    /// placed at <paramref name="indirectArea"/>, <paramref name="maxIndirectEntries"/> descriptors per buffer id.
    /// </summary>
    public static IDriverQueue CreateDriver(QueueConfig config, GuestMemory memory, ulong indirectArea = 0, int maxIndirectEntries = 0) => config.Format switch
    {
        QueueFormat.Split => new SplitDriverQueue(config, memory, indirectArea, maxIndirectEntries),
        _ => new PackedDriverQueue(config, memory, indirectArea, maxIndirectEntries),
    };
}
