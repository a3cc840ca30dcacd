using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues;

/// <summary>Creates a device-side queue of the right format for a configuration or a saved state.</summary>
public delegate IDeviceQueue DeviceQueueFactory(QueueConfig config, DeviceMemory memory);
