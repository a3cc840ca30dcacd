using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Experiments.Interop;

/// <summary>A RAM disk whose reads come back with the first byte flipped while <see cref="QuirkBehaviour.CorruptsData"/> holds.</summary>
internal sealed class QuirkyBlockStore(MemoryBlockStore inner, QuirkBehaviour quirks) : IBlockStore
{
    public ulong SectorCount => inner.SectorCount;

    public WriteCacheMode CacheMode
    {
        get => inner.CacheMode;
        set => inner.CacheMode = value;
    }

    public bool TryRead(ulong sector, Span<byte> destination)
    {
        if (!inner.TryRead(sector, destination)) return false;
        if (quirks.CorruptsData && destination.Length > 0) destination[0] ^= 0xFF;
        return true;
    }

    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source) => inner.TryWrite(sector, source);
    public bool TryFlush() => inner.TryFlush();
    public bool TryDiscard(ulong sector, ulong count) => inner.TryDiscard(sector, count);
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap) => inner.TryWriteZeroes(sector, count, unmap);
}
