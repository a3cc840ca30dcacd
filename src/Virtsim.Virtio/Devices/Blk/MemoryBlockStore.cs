namespace Virtsim.Virtio.Devices.Blk;

/// <summary>
/// A sparse in-memory disk with a volatile write cache. Sectors never written cost nothing and read as zero.
/// In <see cref="WriteCacheMode.Writeback"/> a write lands in the cache and becomes durable at the next flush;
/// in <see cref="WriteCacheMode.Writethrough"/> it is durable at once. <see cref="DropCache"/> models a power
/// loss: whatever was only cached is gone, and the next flush reports it (fails once, a deferred write error, so a
/// writer never takes a flush for proof that writes completed before the loss are durable). Faults can be injected
/// per sector and for flushes.
/// </summary>
public sealed class MemoryBlockStore : IBlockStore
{
    private const int SectorSize = IBlockStore.SectorSize;
    private readonly Dictionary<ulong, byte[]> _durable = new();
    // Cached sectors not yet durable; a null value is a cached zero sector (write-zeroes/discard).
    private readonly Dictionary<ulong, byte[]?> _cache = new();
    private WriteCacheMode _mode;

    /// <summary>Creates a disk of <paramref name="sectorCount"/> 512-byte sectors.</summary>
    public MemoryBlockStore(ulong sectorCount, WriteCacheMode mode = WriteCacheMode.Writethrough)
    {
        SectorCount = sectorCount;
        _mode = mode;
    }

    /// <inheritdoc />
    public ulong SectorCount { get; private set; }

    /// <summary>Changes the capacity (an online resize); data past a shrunken end is gone.</summary>
    public void Resize(ulong sectorCount)
    {
        if (sectorCount < SectorCount)
        {
            foreach (ulong s in KeysInRange(_cache.Keys, _cache.Count, sectorCount, SectorCount - sectorCount)) _cache.Remove(s);
            foreach (ulong s in KeysInRange(_durable.Keys, _durable.Count, sectorCount, SectorCount - sectorCount)) _durable.Remove(s);
        }
        SectorCount = sectorCount;
    }

    /// <inheritdoc />
    public WriteCacheMode CacheMode
    {
        get => _mode;
        set
        {
            if (value == WriteCacheMode.Writethrough) CommitCache();
            _mode = value;
        }
    }

    /// <summary>Sectors whose reads and writes fail (fault injection).</summary>
    public HashSet<ulong> FailingSectors { get; } = new();

    /// <summary>When true, flushes fail and commit nothing (fault injection).</summary>
    public bool FailFlush { get; set; }

    /// <summary>Number of sectors written (or zeroed) but not yet durable.</summary>
    public int CachedSectorCount => _cache.Count;

    /// <summary>Number of sectors holding non-zero durable data.</summary>
    public int DurableSectorCount => _durable.Count;

    /// <summary>
    /// True when <see cref="DropCache"/> destroyed completed writes that no flush had made durable, until the next
    /// flush reports it by failing (after committing what is still cached).
    /// </summary>
    public bool WritesLost { get; set; }

    /// <summary>Successful flushes so far.</summary>
    public long FlushCount { get; private set; }

    /// <summary>True when <paramref name="sector"/> has a completed write that is not durable yet.</summary>
    public bool IsCached(ulong sector) => _cache.ContainsKey(sector);

    /// <inheritdoc />
    public bool TryRead(ulong sector, Span<byte> destination)
    {
        if (!InRange(sector, destination.Length, out ulong count)) return false;
        for (ulong i = 0; i < count; i++)
        {
            ulong s = sector + i;
            if (FailingSectors.Contains(s)) return false;
            var target = destination.Slice((int)i * SectorSize, SectorSize);
            if (_cache.TryGetValue(s, out var cached)) Copy(cached, target);
            else Copy(_durable.GetValueOrDefault(s), target);
        }
        return true;
    }

    /// <summary>Reads what would survive a power loss now (durable contents only), ignoring faults.</summary>
    public bool TryReadDurable(ulong sector, Span<byte> destination)
    {
        if (!InRange(sector, destination.Length, out ulong count)) return false;
        for (ulong i = 0; i < count; i++)
            Copy(_durable.GetValueOrDefault(sector + i), destination.Slice((int)i * SectorSize, SectorSize));
        return true;
    }

    /// <inheritdoc />
    public bool TryWrite(ulong sector, ReadOnlySpan<byte> source)
    {
        if (!InRange(sector, source.Length, out ulong count)) return false;
        for (ulong i = 0; i < count; i++)
            if (FailingSectors.Contains(sector + i)) return false;
        for (ulong i = 0; i < count; i++)
        {
            ulong s = sector + i;
            var data = source.Slice((int)i * SectorSize, SectorSize);
            bool zero = data.IndexOfAnyExcept((byte)0) < 0;
            if (_mode == WriteCacheMode.Writeback)
            {
                if (zero) _cache[s] = null;
                else if (_cache.TryGetValue(s, out var existing) && existing != null) data.CopyTo(existing);
                else _cache[s] = data.ToArray();
            }
            else
            {
                _cache.Remove(s);
                StoreDurable(s, data, zero);
            }
        }
        return true;
    }

    /// <inheritdoc />
    public bool TryFlush()
    {
        if (FailFlush) return false;
        CommitCache();
        if (WritesLost)
        {
            // What is cached now is durable, but writes this flush was meant to cover were lost before it.
            WritesLost = false;
            return false;
        }
        FlushCount++;
        return true;
    }

    /// <inheritdoc />
    public bool TryDiscard(ulong sector, ulong count) => Zero(sector, count);

    /// <inheritdoc />
    public bool TryWriteZeroes(ulong sector, ulong count, bool unmap) => Zero(sector, count);

    /// <summary>Power loss: every cached (not yet durable) write is lost, and the next flush says so (<see cref="WritesLost"/>).</summary>
    public void DropCache()
    {
        if (_cache.Count > 0) WritesLost = true;
        _cache.Clear();
    }

    private bool Zero(ulong sector, ulong count)
    {
        if (sector > SectorCount || count > SectorCount - sector) return false;
        foreach (ulong s in FailingSectors)
            if (s >= sector && s - sector < count) return false;
        if (_mode == WriteCacheMode.Writeback)
        {
            foreach (ulong s in KeysInRange(_cache.Keys, _cache.Count, sector, count)) _cache.Remove(s);
            foreach (ulong s in KeysInRange(_durable.Keys, _durable.Count, sector, count)) _cache[s] = null;
        }
        else
        {
            foreach (ulong s in KeysInRange(_cache.Keys, _cache.Count, sector, count)) _cache.Remove(s);
            foreach (ulong s in KeysInRange(_durable.Keys, _durable.Count, sector, count)) _durable.Remove(s);
        }
        return true;
    }

    // The keys of a sparse map inside [sector, sector+count), without walking a huge range sector by sector.
    private static List<ulong> KeysInRange(IEnumerable<ulong> keys, int keyCount, ulong sector, ulong count)
    {
        var found = new List<ulong>();
        if (count <= (ulong)keyCount)
        {
            var set = keys as ICollection<ulong>;
            for (ulong i = 0; i < count; i++)
                if (set!.Contains(sector + i)) found.Add(sector + i);
        }
        else
        {
            foreach (ulong k in keys)
                if (k >= sector && k - sector < count) found.Add(k);
        }
        return found;
    }

    private void CommitCache()
    {
        // The cached sector array itself becomes the durable one (no copy): the cache forgets it below, so nothing
        // else holds it, and a fleet's disks allocate each written sector once, not twice.
        foreach (var (s, data) in _cache)
        {
            if (data == null) _durable.Remove(s);
            else _durable[s] = data;
        }
        _cache.Clear();
    }

    private void StoreDurable(ulong s, ReadOnlySpan<byte> data, bool zero)
    {
        if (zero) { _durable.Remove(s); return; }
        if (_durable.TryGetValue(s, out var existing)) data.CopyTo(existing);
        else _durable[s] = data.ToArray();
    }

    private bool InRange(ulong sector, int length, out ulong count)
    {
        count = (ulong)length / SectorSize;
        return length % SectorSize == 0 && sector <= SectorCount && count <= SectorCount - sector;
    }

    private static void Copy(byte[]? data, Span<byte> target)
    {
        if (data == null) target.Clear();
        else data.CopyTo(target);
    }
}
