using Virtsim.Fleet.Messages.Backend;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// Serves <see cref="BackendRequest"/>s against a disk with the core's <see cref="BlkDevice"/> (so every request type,
/// status and cache rule is the core's, not a copy): the request's readable bytes and a cleared writable area are laid
/// out in a private scratch memory as a two-segment chain, the core handles it, and the writable area is the reply.
/// Pure logic, no actor: the backend actor owns one.
/// </summary>
public sealed class BlkBackendServer
{
    private readonly MemoryBlockStore _disk;
    private readonly BlkDevice _device;
    private readonly DescriptorChain _chain = new(2);
    private DeviceMemory? _scratch; // made by the first request, sized to it: an idle backend keeps none
    private int _scratchSize;
    private const int MinScratchSize = 4096 + 64; // a page of data and the request's header and status
    private FeatureSet _features;
    private bool _activated;

    /// <summary>Creates the server over <paramref name="disk"/> with the device's <paramref name="options"/>.</summary>
    public BlkBackendServer(MemoryBlockStore disk, BlkDeviceOptions options)
    {
        _disk = disk ?? throw new ArgumentNullException(nameof(disk));
        _device = new BlkDevice(disk, options);
    }

    /// <summary>The disk (durable media and volatile cache).</summary>
    public MemoryBlockStore Disk => _disk;

    /// <summary>Serves <paramref name="request"/> and returns its reply.</summary>
    public BackendReply Serve(BackendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var features = new FeatureSet(request.FeaturesLow, request.FeaturesHigh);
        if (!_activated || features != _features)
        {
            _device.Activate(features);
            _features = features;
            _activated = true;
        }
        var mode = request.Writeback ? WriteCacheMode.Writeback : WriteCacheMode.Writethrough;
        if (_disk.CacheMode != mode) _disk.CacheMode = mode; // to writethrough commits the cache, as the core does
        int readable = request.Readable.Length;
        uint writable = request.WritableLength;
        EnsureScratch((long)readable + writable);
        var memory = _scratch!.Memory;
        memory.TryWrite(0, request.Readable);
        memory.TryFill((ulong)readable, writable, 0);
        _chain.Clear();
        if (readable > 0) _chain.TryAdd(new ChainSegment(0, (uint)readable, false));
        if (writable > 0) _chain.TryAdd(new ChainSegment((ulong)readable, writable, true));
        uint written = _device.Handle(_chain, _scratch);
        var data = new byte[writable];
        memory.TryRead((ulong)readable, data);
        return new BackendReply(request.Tag, request.Queue, written, data);
    }

    /// <summary>The backend crashed: the volatile cache is lost, exactly as a power loss of the core's store.</summary>
    public void LoseCache() => _disk.DropCache();

    private void EnsureScratch(long size)
    {
        if (_scratch is not null && size <= _scratchSize) return;
        if (size > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(size), size, "request too large");
        _scratchSize = (int)Math.Max(Math.Max(size, _scratchSize * 2L), MinScratchSize);
        _scratch = new DeviceMemory(GuestMemory.WithArray(_scratchSize));
    }
}
