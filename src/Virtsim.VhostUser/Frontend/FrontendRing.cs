using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// One vring as the driver sees it: the core's driver-side queue (<see cref="Virtqueue.CreateDriver"/>) over the
/// shared guest memory, its kick and call eventfds, and the vhost-user requests that hand it to the device.
/// </summary>
public sealed class FrontendRing : IDisposable
{
    private FrontendRing(int index, IDriverQueue queue, EventFd kick, EventFd call)
    {
        Index = index;
        Queue = queue;
        Kick = kick;
        Call = call;
    }

    /// <summary>The vring index.</summary>
    public int Index { get; }

    /// <summary>The driver side of the ring.</summary>
    public IDriverQueue Queue { get; }

    /// <summary>The eventfd this driver writes to notify the device.</summary>
    public EventFd Kick { get; }

    /// <summary>The eventfd the device writes to interrupt this driver.</summary>
    public EventFd Call { get; }

    /// <summary>Kicks written.</summary>
    public long Kicks { get; private set; }

    /// <summary>Calls consumed.</summary>
    public long Calls { get; private set; }

    // Every split area and the packed descriptor ring start on a page; the packed event structures on 64 bytes.
    private const ulong AreaAlignment = 4096, EventAlignment = 64;

    /// <summary>
    /// Guest memory that <see cref="Create"/> takes for a ring of <paramref name="format"/> and <paramref name="size"/>
    /// at most: its areas, a page of alignment slack for each, and a spare page. Callers size <see cref="FrontendMemory"/> with it.
    /// </summary>
    public static ulong Footprint(QueueFormat format, ushort size)
    {
        ulong areas = format == QueueFormat.Split
            ? SplitLayout.DescriptorTableBytes(size) + SplitLayout.AvailRingBytes(size) + SplitLayout.UsedRingBytes(size)
            : PackedLayout.RingBytes(size) + 2 * PackedLayout.EventSuppressionSize;
        return areas + 4 * AreaAlignment;
    }

    /// <summary>Lays ring <paramref name="index"/> of <paramref name="size"/> descriptors out in <paramref name="memory"/> (<see cref="Footprint"/> bytes at most).</summary>
    public static FrontendRing Create(int index, QueueFormat format, ushort size, FeatureSet features, FrontendMemory memory)
    {
        QueueConfig config;
        if (format == QueueFormat.Split)
        {
            ulong descriptors = memory.Allocate(SplitLayout.DescriptorTableBytes(size), AreaAlignment);
            ulong available = memory.Allocate(SplitLayout.AvailRingBytes(size), AreaAlignment);
            ulong used = memory.Allocate(SplitLayout.UsedRingBytes(size), AreaAlignment);
            config = new QueueConfig(format, size, descriptors, available, used, features);
        }
        else
        {
            ulong descriptors = memory.Allocate(PackedLayout.RingBytes(size), AreaAlignment);
            ulong driverEvents = memory.Allocate(PackedLayout.EventSuppressionSize, EventAlignment);
            ulong deviceEvents = memory.Allocate(PackedLayout.EventSuppressionSize, EventAlignment);
            config = new QueueConfig(format, size, descriptors, driverEvents, deviceEvents, features);
        }
        if (config.Validate() is { } reason) throw new ArgumentException(reason);
        var kick = EventFd.Create();
        var call = EventFd.Create();
        return new FrontendRing(index, Virtqueue.CreateDriver(config, memory.Memory), kick, call);
    }

    /// <summary>
    /// Sends SET_VRING_NUM, BASE, ADDR, KICK and CALL (the ring is not yet enabled). The base is
    /// <paramref name="vringBase"/> when given (a ring restarted after a reconnection, from the in-flight region), else that of a fresh ring.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device refused one of them or broke the protocol.</exception>
    public void Program(FrontendChannel channel, FrontendMemory memory, uint? vringBase = null)
    {
        var config = Queue.Config;
        uint index = (uint)Index;
        channel.Send(VhostUserRequest.SetVringNum, new VringState(index, config.Size).ToBytes());
        // Unless given (from the in-flight region): a fresh packed ring starts with both wrap counters at 1, a split
        // ring at index 0.
        vringBase ??= config.Format == QueueFormat.Packed ? PackedVringBase.Fresh : 0;
        channel.Send(VhostUserRequest.SetVringBase, new VringState(index, vringBase.Value).ToBytes());
        channel.Send(VhostUserRequest.SetVringAddr, new VringAddress(index, 0, memory.UserAddress(config.DescriptorArea),
            memory.UserAddress(config.DeviceArea), memory.UserAddress(config.DriverArea), config.DeviceArea).ToBytes());
        channel.SendU64(VhostUserRequest.SetVringKick, index, Kick.Fd);
        channel.SendU64(VhostUserRequest.SetVringCall, index, Call.Fd);
    }

    /// <summary>Publishes what was added and kicks when the device asks for it.</summary>
    public void Publish()
    {
        if (Queue.PublishAvailable())
        {
            Kick.Signal();
            Kicks++;
        }
    }

    /// <summary>Kicks unconditionally (after a reconnection the device may have missed the last kick).</summary>
    public void ForceKick()
    {
        Kick.Signal();
        Kicks++;
    }

    /// <summary>Consumes a pending call; true when there was one.</summary>
    public bool ConsumeCall()
    {
        if (Call.TryConsume() == 0) return false;
        Calls++;
        return true;
    }

    /// <summary>Throws when the device broke the ring (a bad used entry).</summary>
    /// <exception cref="VhostUserProtocolException">It did.</exception>
    public void CheckHealthy()
    {
        var error = Queue.Error;
        if (error.IsError)
            throw new VhostUserProtocolException($"ring {Index}: the device returned a bad used entry ({error.Kind}, descriptor {error.DescriptorIndex})");
    }

    /// <summary>Closes the eventfds.</summary>
    public void Dispose()
    {
        Kick.Dispose();
        Call.Dispose();
    }
}
