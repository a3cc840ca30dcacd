using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Tests.Interop.TestDevices;

/// <summary>
/// A test-only device whose DMA flips byte <paramref name="offset"/> of the data buffer (the chain's largest segment)
/// of the <paramref name="chain"/>-th chain (from 0) it serves on queue <paramref name="queue"/>: a buffer the device
/// reads is corrupted before it reads it (a blk write, a transmitted frame), one it writes after it wrote it (a blk
/// read). Everything else is the real device.
/// </summary>
internal sealed class CorruptingDevice(IDeviceHandler inner, int queue, int chain, int offset) : DeviceDecorator(inner)
{
    private int _popped;

    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue deviceQueue) =>
        base.ProcessQueue(queueIndex, queueIndex == queue ? new CorruptingQueue(deviceQueue, this) : deviceQueue);

    public override void Reset()
    {
        base.Reset();
        _popped = 0;
    }

    /// <summary>True when the chain just popped is the one to corrupt (called once per chain popped).</summary>
    internal bool Chosen() => _popped++ == chain;

    /// <summary>Flips the chosen byte of <paramref name="data"/> in guest memory.</summary>
    internal static void Flip(IDeviceQueue queue, ChainSegment data, int at)
    {
        var b = new byte[1];
        ulong address = data.Address + (ulong)at;
        if (!queue.Memory.TryRead(address, b, Virtsim.Virtio.Memory.MemoryAccessKind.Data)) return;
        b[0] ^= 0xFF;
        queue.Memory.TryWrite(address, b, Virtsim.Virtio.Memory.MemoryAccessKind.Data);
    }

    /// <summary>Which byte of the data buffer flips.</summary>
    internal int Offset => offset;
}
