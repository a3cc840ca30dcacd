using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Tests.Interop.TestDevices;

/// <summary>
/// A test-only device that breaks down mid-traffic: it serves <paramref name="served"/> chains of queue
/// <paramref name="queue"/> as the real device does, then reports the next chain's data buffer as out of range, which
/// the transport turns into DEVICE_NEEDS_RESET with that cause.
/// </summary>
internal sealed class ResettingDevice(IDeviceHandler inner, int queue, int served) : DeviceDecorator(inner)
{
    private int _completed;

    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue deviceQueue)
    {
        if (queueIndex != queue) return base.ProcessQueue(queueIndex, deviceQueue);
        if (_completed >= served && deviceQueue.TryPop(out var chain) == PopResult.Popped)
        {
            var data = chain.Segments[Math.Min(1, chain.SegmentCount - 1)];
            return new QueueProcessResult(0, false, new QueueError(QueueErrorKind.BufferOutOfRange, chain.Id, data.Address));
        }
        var result = base.ProcessQueue(queueIndex, deviceQueue);
        _completed += result.Completed;
        return result;
    }

    public override void Reset()
    {
        base.Reset();
        _completed = 0;
    }
}
