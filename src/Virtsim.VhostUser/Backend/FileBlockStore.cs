using Microsoft.Win32.SafeHandles;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// An <see cref="IBlockStore"/> over an image file (positional reads and writes; flush is fsync). I/O failures
/// become false (IOERR), never exceptions. Discard and write-zeroes write zeroes.
/// </summary>
public sealed class FileBlockStore : IBlockStore, IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly byte[] _zeroes = new byte[64 * 1024];

    /// <summary>Opens (or creates with <paramref name="sizeIfNew"/> bytes) the image at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened, or its size is not a multiple of 512.</exception>
    public FileBlockStore(string path, long sizeIfNew)
    {
        bool exists = File.Exists(path);
        try { _file = File.OpenHandle(path, exists ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read); }
        catch (UnauthorizedAccessException e) { throw new IOException($"cannot open image {path}: {e.Message}", e); }
        if (!exists) RandomAccess.SetLength(_file, sizeIfNew);
        long length = RandomAccess.GetLength(_file);
        if (length % IBlockStore.SectorSize != 0)
        {
            _file.Dispose();
            throw new IOException($"image {path} is {length} bytes, not a multiple of {IBlockStore.SectorSize}");
        }
        SectorCount = (ulong)length / IBlockStore.SectorSize;
    }

    /// <inheritdoc />
    public ulong SectorCount { get; }

    /// <inheritdoc />
    public WriteCacheMode CacheMode { get; set; } = WriteCacheMode.Writeback;

    /// <inheritdoc />
    public bool TryRead(ulong sector, Span<byte> destination)
    {
        if (!InRange(sector, (ulong)destination.Length)) return false;
        try
        {
            long offset = (long)sector * IBlockStore.SectorSize;
            while (!destination.IsEmpty)
            {
                int n = RandomAccess.Read(_file, destination, offset);
                if (n <= 0) return false;
                destination = destination[n..];
                offset += n;
            }
            return true;
        }
        catch (IOException) { return false; }
    }

    /// <inheritdoc />
    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source)
    {
        if (!InRange(sector, (ulong)source.Length)) return false;
        try
        {
            RandomAccess.Write(_file, source, (long)sector * IBlockStore.SectorSize);
            return CacheMode == WriteCacheMode.Writeback || TryFlush();
        }
        catch (IOException) { return false; }
    }

    /// <inheritdoc />
    public bool TryFlush()
    {
        try { RandomAccess.FlushToDisk(_file); return true; }
        catch (IOException) { return false; }
    }

    /// <inheritdoc />
    public bool TryDiscard(ulong sector, ulong count) => TryWriteZeroes(sector, count, true);

    /// <inheritdoc />
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap)
    {
        if (count > ulong.MaxValue / IBlockStore.SectorSize || !InRange(sector, count * IBlockStore.SectorSize)) return false;
        ulong remaining = count * IBlockStore.SectorSize;
        ulong at = sector * IBlockStore.SectorSize;
        while (remaining > 0)
        {
            int n = (int)Math.Min(remaining, (ulong)_zeroes.Length);
            if (!TryWrite(at / IBlockStore.SectorSize, _zeroes.AsSpan(0, n))) return false;
            at += (ulong)n;
            remaining -= (ulong)n;
        }
        return true;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private bool InRange(ulong sector, ulong bytes) =>
        bytes % IBlockStore.SectorSize == 0 && sector <= SectorCount && bytes / IBlockStore.SectorSize <= SectorCount - sector;
}
