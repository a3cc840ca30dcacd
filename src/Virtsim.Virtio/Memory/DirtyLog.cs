namespace Virtsim.Virtio.Memory;

/// <summary>
/// The dirty-page log in the vhost-user layout: one bit per 4 KiB guest-physical page,
/// <c>log[page / 8] |= 1 &lt;&lt; (page % 8)</c>. Bits are set atomically, so the log may live in memory shared
/// with a peer that reads and clears it concurrently.
/// </summary>
public sealed class DirtyLog
{
    /// <summary>Size of the page one bit stands for.</summary>
    public const int PageSize = 4096;
    private const int PageShift = 12;

    private readonly byte[] _bits;

    /// <summary>Creates a log covering guest-physical addresses below <paramref name="coveredBytes"/>.</summary>
    public DirtyLog(ulong coveredBytes)
    {
        ulong pages = (coveredBytes + PageSize - 1) / PageSize;
        _bits = new byte[(pages + 7) / 8];
    }

    /// <summary>The raw bitmap, in the vhost-user layout.</summary>
    public ReadOnlySpan<byte> Bitmap => _bits;

    /// <summary>Number of pages the log covers.</summary>
    public ulong PageCount => (ulong)_bits.Length * 8;

    /// <summary>Marks every page touched by [<paramref name="address"/>, +<paramref name="length"/>) dirty; pages beyond the log are ignored.</summary>
    public void Mark(ulong address, ulong length)
    {
        if (length == 0) return;
        ulong first = address >> PageShift;
        ulong last = (address + length - 1) >> PageShift;
        if (last < first) last = ulong.MaxValue >> PageShift; // wrapped: mark to the end
        for (ulong page = first; page <= last && page < PageCount; page++)
            SetBit(page);
    }

    /// <summary>True when <paramref name="page"/> (a page number, not an address) is dirty.</summary>
    public bool IsDirty(ulong page) => page < PageCount && (Volatile.Read(ref _bits[page >> 3]) & (1 << (int)(page & 7))) != 0;

    /// <summary>Number of dirty pages.</summary>
    public int DirtyCount()
    {
        int count = 0;
        foreach (var b in _bits) count += System.Numerics.BitOperations.PopCount(b);
        return count;
    }

    /// <summary>Returns the dirty page numbers and clears them, as a migration pass does.</summary>
    public List<ulong> CollectAndClear()
    {
        var pages = new List<ulong>();
        for (int i = 0; i < _bits.Length; i++)
        {
            byte b = Interlocked.Exchange(ref _bits[i], 0);
            for (int bit = 0; b != 0; bit++, b >>= 1)
                if ((b & 1) != 0) pages.Add((ulong)i * 8 + (ulong)bit);
        }
        return pages;
    }

    private void SetBit(ulong page)
    {
        ref byte cell = ref _bits[page >> 3];
        byte mask = (byte)(1 << (int)(page & 7));
        byte seen = Volatile.Read(ref cell);
        while ((seen & mask) == 0)
        {
            byte previous = Interlocked.CompareExchange(ref cell, (byte)(seen | mask), seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
