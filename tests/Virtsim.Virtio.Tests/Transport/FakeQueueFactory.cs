using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>Creates <see cref="FakeDeviceQueue"/>s and remembers them.</summary>
internal sealed class FakeQueueFactory
{
    public List<FakeDeviceQueue> Created { get; } = [];

    public IDeviceQueue Create(QueueConfig config, DeviceMemory memory)
    {
        var queue = new FakeDeviceQueue(config, memory);
        Created.Add(queue);
        return queue;
    }
}
