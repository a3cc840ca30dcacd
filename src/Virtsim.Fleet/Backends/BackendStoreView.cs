using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// What the device actor's own <see cref="BlkDevice"/> sees of a disk its backend owns: the capacity (for the config
/// space) and the write cache mode the driver configured (sent with every request). It holds no data: the device
/// hands every request to the backend, so the data operations are never called and fail (IOERR) if they were.
/// </summary>
public sealed class BackendStoreView : IBlockStore
{
    /// <summary>Creates the view of a disk of <paramref name="sectorCount"/> sectors.</summary>
    public BackendStoreView(ulong sectorCount) => SectorCount = sectorCount;

    /// <inheritdoc />
    public ulong SectorCount { get; }

    /// <inheritdoc />
    public WriteCacheMode CacheMode { get; set; }

    /// <inheritdoc />
    public bool TryRead(ulong sector, Span<byte> destination) => false;

    /// <inheritdoc />
    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source) => false;

    /// <inheritdoc />
    public bool TryFlush() => false;

    /// <inheritdoc />
    public bool TryDiscard(ulong sector, ulong count) => false;

    /// <inheritdoc />
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap) => false;
}
