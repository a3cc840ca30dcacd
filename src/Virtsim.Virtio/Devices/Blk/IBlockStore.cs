namespace Virtsim.Virtio.Devices.Blk;

/// <summary>
/// The storage behind a virtio-blk device, addressed in 512-byte sectors. Every call returns false on an I/O
/// failure (or a range past <see cref="SectorCount"/>) instead of throwing; the device turns that into IOERR.
/// </summary>
public interface IBlockStore
{
    /// <summary>Bytes per sector; the virtio-blk protocol always counts in 512-byte units.</summary>
    const int SectorSize = 512;

    /// <summary>Capacity in sectors.</summary>
    ulong SectorCount { get; }

    /// <summary>
    /// How completed writes reach durable storage. Switching to <see cref="WriteCacheMode.Writethrough"/> first
    /// makes everything cached durable.
    /// </summary>
    WriteCacheMode CacheMode { get; set; }

    /// <summary>Reads <paramref name="destination"/>.Length bytes (a multiple of 512) starting at <paramref name="sector"/>.</summary>
    bool TryRead(ulong sector, Span<byte> destination);

    /// <summary>Writes <paramref name="source"/> (a multiple of 512 bytes) starting at <paramref name="sector"/>.</summary>
    bool TryWrite(ulong sector, ReadOnlySpan<byte> source);

    /// <summary>Makes every completed write durable.</summary>
    bool TryFlush();

    /// <summary>Deallocates <paramref name="count"/> sectors; they read back as zero afterwards.</summary>
    bool TryDiscard(ulong sector, ulong count);

    /// <summary>Zeroes <paramref name="count"/> sectors; <paramref name="unmap"/> allows deallocating them.</summary>
    bool TryWriteZeroes(ulong sector, ulong count, bool unmap);
}
