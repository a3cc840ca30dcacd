using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// An <see cref="IBlockStore"/> decorator that makes every access take at least <see cref="Delay"/> (a slow disk),
/// for the real-time serve process only: a back-end killed mid-traffic then almost always dies inside a request
/// it took from the ring, the case INFLIGHT_SHMFD recovery exists for. The serve loop blocks meanwhile, as it
/// does for any synchronous disk access.
/// </summary>
public sealed class DelayedBlockStore : IBlockStore, IDisposable
{
    private readonly IBlockStore _inner;

    /// <summary>Wraps <paramref name="inner"/>; each access first waits <paramref name="delay"/>.</summary>
    public DelayedBlockStore(IBlockStore inner, TimeSpan delay)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay));
        Delay = delay;
    }

    /// <summary>The time every access takes at least.</summary>
    public TimeSpan Delay { get; }

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
        Wait();
        return _inner.TryRead(sector, destination);
    }

    /// <inheritdoc />
    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source)
    {
        Wait();
        return _inner.TryWrite(sector, source);
    }

    /// <inheritdoc />
    public bool TryFlush()
    {
        Wait();
        return _inner.TryFlush();
    }

    /// <inheritdoc />
    public bool TryDiscard(ulong sector, ulong count)
    {
        Wait();
        return _inner.TryDiscard(sector, count);
    }

    /// <inheritdoc />
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap)
    {
        Wait();
        return _inner.TryWriteZeroes(sector, count, unmap);
    }

    /// <summary>Disposes the wrapped store when it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private void Wait()
    {
        if (Delay > TimeSpan.Zero) Thread.Sleep(Delay);
    }
}
