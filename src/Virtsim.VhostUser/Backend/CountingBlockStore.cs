using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.VhostUser.Backend;

/// <summary>An <see cref="IBlockStore"/> decorator that counts the bytes read and written through it.</summary>
public sealed class CountingBlockStore : IBlockStore, IDisposable
{
    private readonly IBlockStore _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CountingBlockStore(IBlockStore inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The wrapped store.</summary>
    public IBlockStore Inner => _inner;

    /// <summary>Bytes read successfully.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Bytes written successfully (data, zeroes and discards included).</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc />
    public ulong SectorCount => _inner.SectorCount;

    /// <inheritdoc />
    public WriteCacheMode CacheMode
    {
        get => _inner.CacheMode;
        set => _inner.CacheMode = value;
    }

    /// <inheritdoc />
    public bool TryRead(ulong sector, Span<byte> destination)
    {
        bool ok = _inner.TryRead(sector, destination);
        if (ok) BytesRead += destination.Length;
        return ok;
    }

    /// <inheritdoc />
    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source)
    {
        bool ok = _inner.TryWrite(sector, source);
        if (ok) BytesWritten += source.Length;
        return ok;
    }

    /// <inheritdoc />
    public bool TryFlush() => _inner.TryFlush();

    /// <inheritdoc />
    public bool TryDiscard(ulong sector, ulong count)
    {
        bool ok = _inner.TryDiscard(sector, count);
        if (ok) BytesWritten += (long)(count * IBlockStore.SectorSize);
        return ok;
    }

    /// <inheritdoc />
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap)
    {
        bool ok = _inner.TryWriteZeroes(sector, count, unmap);
        if (ok) BytesWritten += (long)(count * IBlockStore.SectorSize);
        return ok;
    }

    /// <summary>Disposes the wrapped store when it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
