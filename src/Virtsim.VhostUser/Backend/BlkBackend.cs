using System.Text.Json;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;

namespace Virtsim.VhostUser.Backend;

/// <summary>virtio-blk over vhost-user: a <see cref="BlkDevice"/> over an image file or a RAM disk.</summary>
public sealed class BlkBackend : VhostUserDevice, IDisposable
{
    private readonly CountingBlockStore _store;

    /// <summary>Most request queues this back-end serves.</summary>
    public const int MaxQueues = 64;

    /// <summary>Creates the back-end over <paramref name="store"/> with <paramref name="queues"/> request queues.</summary>
    public BlkBackend(IBlockStore store, int queues = 1)
        : this(new CountingBlockStore(store), queues) { }

    private BlkBackend(CountingBlockStore store, int queues)
        : base(new BlkDevice(store, Options(queues))) => _store = store;

    /// <summary>Image bytes read plus written.</summary>
    public long Bytes => _store.BytesRead + _store.BytesWritten;

    /// <inheritdoc />
    public override bool TracksInflight => true;

    /// <summary>The block device.</summary>
    public BlkDevice Blk => (BlkDevice)Handler;

    /// <summary>Creates the back-end the serve options describe (image file or RAM disk).</summary>
    /// <exception cref="IOException">The image cannot be opened.</exception>
    public static BlkBackend Create(VhostUserServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ImageSize <= 0 || options.ImageSize % IBlockStore.SectorSize != 0)
            throw new ArgumentException("the image size must be a positive multiple of 512", nameof(options));
        IBlockStore store = options.ImagePath is { } path
            ? new FileBlockStore(path, options.ImageSize)
            : new MemoryBlockStore((ulong)options.ImageSize / IBlockStore.SectorSize, WriteCacheMode.Writeback);
        if (options.IoDelay > TimeSpan.Zero) store = new DelayedBlockStore(store, options.IoDelay);
        return new BlkBackend(store, options.Queues);
    }

    /// <inheritdoc />
    public override void WriteSummary(Utf8JsonWriter writer)
    {
        writer.WriteNumber("requests", Blk.Requests);
        writer.WriteNumber("bytes", Bytes);
        writer.WriteNumber("ioErrors", Blk.IoErrors);
        writer.WriteNumber("unsupported", Blk.Unsupported);
        writer.WriteNumber("capacitySectors", _store.SectorCount);
    }

    /// <summary>Closes an image file.</summary>
    public void Dispose() => _store.Dispose();

    private static BlkDeviceOptions Options(int queues)
    {
        if (queues is < 1 or > MaxQueues) throw new ArgumentOutOfRangeException(nameof(queues), $"blk queues must be 1..{MaxQueues}");
        var defaults = new BlkDeviceOptions();
        var device = queues > 1 ? defaults.DeviceFeatures.With(BlkFeatureBit.Mq) : defaults.DeviceFeatures;
        return defaults with { DeviceFeatures = device, NumQueues = (ushort)queues, QueueSize = 1024 };
    }
}
