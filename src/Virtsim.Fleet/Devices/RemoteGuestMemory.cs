using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// The memory view of a device on another node than its VM: it holds only the pages of guest memory it fetched by
/// DMA reads for the pass at hand, and remembers every byte range the pass wrote, in order, to send back as DMA writes
/// (byte ranges, not pages: bytes the driver owns in the same page are never written back). Before a pass,
/// <see cref="Prepare"/> finds what the pass will read: the queue's ring areas, then, by a dry run of the queue (a copy
/// restored from its state, over a view whose writes are discarded), the descriptors, indirect tables and readable
/// buffers of every available chain; a fetched descriptor may point at more, so the queue asks again until nothing is
/// missing. After the pass its writes are taken (<see cref="TakeWrites"/>) and everything fetched is dropped
/// (<see cref="EndPass"/>): the guest may change it meanwhile. A read of a byte not fetched outside a dry run is
/// counted (<see cref="Misses"/>) and reads zero: the run's report shows it, so a gap in the prediction cannot pass
/// unseen.
/// </summary>
public sealed class RemoteGuestMemory : IGuestMemoryRegion, IGuestMemoryAccess
{
    /// <summary>The unit fetched.</summary>
    public const int PageSize = 4096;

    /// <summary>Most pages one DMA read fetches (64 KiB, well below Akka.Remote's frame size).</summary>
    public const int MaxPagesPerRead = 16;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly Dictionary<ulong, byte[]> _fetched = []; // the pages as the host sent them
    private readonly SortedSet<ulong> _missed = [];
    private readonly List<(ulong Address, int Length)> _written = [];
    private readonly byte[] _scratch = new byte[PageSize];
    private readonly DeviceMemory _dryView;
    private bool _dry;

    private readonly Metrics.FleetMetrics? _metrics;

    /// <summary>A view of a VM memory of <paramref name="size"/> bytes, translated through <paramref name="domain"/>.</summary>
    /// <param name="size">The VM's memory size.</param>
    /// <param name="domain">The device's copy of its IOMMU domain (checked here as well as at the host).</param>
    /// <param name="metrics">Where <see cref="Metrics.FleetCounter.RemoteDmaMisses"/> are counted, or null.</param>
    public RemoteGuestMemory(ulong size, IommuDomain? domain, Metrics.FleetMetrics? metrics = null)
    {
        _metrics = metrics;
        Size = size;
        var guest = new GuestMemory(this);
        Memory = new DeviceMemory(guest, domain);
        _dryView = new DeviceMemory(guest, domain); // its own transaction counters: a dry run costs no DMA time
    }

    /// <summary>The device's DMA view over this memory (the transport and its queues use it).</summary>
    public DeviceMemory Memory { get; }

    /// <summary>Reads, outside a dry run, of bytes that were not fetched (they read zero).</summary>
    public long Misses { get; private set; }

    /// <inheritdoc />
    public ulong GuestAddress => 0;

    /// <inheritdoc />
    public ulong Size { get; }

    /// <inheritdoc />
    public bool IsLocal => false;

    /// <inheritdoc />
    public ReadOnlySpan<byte> GetReadSpan(ulong offset, int maxLength)
    {
        ulong page = offset / PageSize;
        int inPage = (int)(offset % PageSize), length = Math.Min(maxLength, PageSize - inPage);
        // Only fetched pages can be read: a page the device only wrote holds zeros beside its own bytes.
        if (_fetched.ContainsKey(page)) return _pages[page].AsSpan(inPage, length);
        if (_dry)
        {
            _missed.Add(page);
            Array.Clear(_scratch);
            return _scratch.AsSpan(inPage, length);
        }
        Misses++;
        _metrics?.Add(Metrics.FleetCounter.RemoteDmaMisses);
        return Page(page).AsSpan(inPage, length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(ulong offset, int maxLength)
    {
        ulong page = offset / PageSize;
        int inPage = (int)(offset % PageSize), length = Math.Min(maxLength, PageSize - inPage);
        if (_dry)
        {
            // A dry run's writes (a split ring's avail_event, say) go nowhere; it may read through the span too.
            if (_fetched.ContainsKey(page)) _pages[page].CopyTo(_scratch, 0);
            else
            {
                _missed.Add(page);
                Array.Clear(_scratch);
            }
            return _scratch.AsSpan(inPage, length);
        }
        var bytes = Page(page);
        RecordWrite(offset, length);
        return bytes.AsSpan(inPage, length);
    }

    /// <inheritdoc />
    public bool Prepare(IDeviceQueue queue, List<(ulong Address, uint Length)> missing)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(missing);
        var state = queue.SaveState();
        var config = state.Config;
        // The ring areas: the pass reads indexes, entries and event suppression there.
        bool split = config.Format == QueueFormat.Split;
        MissPages(config.DescriptorArea, 16UL * config.Size);
        MissPages(config.DriverArea, split ? 6 + 2UL * config.Size : 4);
        MissPages(config.DeviceArea, split ? 6 + 8UL * config.Size : 4);
        if (_missed.Count == 0) DryRun(state);
        foreach (var range in Ranges()) missing.Add(range);
        _missed.Clear();
        return missing.Count == 0;
    }

    /// <inheritdoc />
    public void Fill(ulong address, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && address < Size)
        {
            ulong page = address / PageSize;
            int inPage = (int)(address % PageSize), length = Math.Min(data.Length, PageSize - inPage);
            data[..length].CopyTo(Page(page).AsSpan(inPage, length));
            if (!_fetched.TryGetValue(page, out var original)) _fetched[page] = original = new byte[PageSize];
            data[..length].CopyTo(original.AsSpan(inPage, length));
            data = data[length..];
            address += (ulong)length;
        }
    }

    /// <inheritdoc />
    /// <remarks>A range whose bytes are those fetched (written again with the same value) is left out.</remarks>
    public void TakeWrites(List<(ulong Address, byte[] Data)> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var (address, length) in _written)
        {
            var data = new byte[length];
            for (int done = 0; done < length;)
            {
                ulong at = address + (ulong)done;
                int inPage = (int)(at % PageSize), piece = Math.Min(length - done, PageSize - inPage);
                _pages[at / PageSize].AsSpan(inPage, piece).CopyTo(data.AsSpan(done));
                done += piece;
            }
            if (!Unchanged(address, data)) writes.Add((address, data));
        }
        _written.Clear();
    }

    // A write of the bytes the host sent (a split ring's avail_event written again with its value) changes nothing in
    // guest memory: it is not sent, so a queue that found its ring empty does not fetch it again for ever.
    private bool Unchanged(ulong address, byte[] data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done;
            int inPage = (int)(at % PageSize), piece = Math.Min(data.Length - done, PageSize - inPage);
            if (!_fetched.TryGetValue(at / PageSize, out var original) || !original.AsSpan(inPage, piece).SequenceEqual(data.AsSpan(done, piece))) return false;
            done += piece;
        }
        return true;
    }

    /// <inheritdoc />
    public void EndPass()
    {
        _pages.Clear();
        _fetched.Clear();
        _written.Clear();
    }

    private byte[] Page(ulong page)
    {
        if (!_pages.TryGetValue(page, out var bytes)) _pages[page] = bytes = new byte[PageSize];
        return bytes;
    }

    // Writes in the order made, each sent with the bytes it holds when the pass ends. So a field written again (the
    // used index after each completion, an avail_event) moves to its last place: sent before the used entries written
    // after its first write, it would publish them before they are in guest memory. A write that continues a buffer
    // (a data write of at least 64 bytes) joins it; ring fields (2 to 16 bytes) always stay apart, in order.
    private void RecordWrite(ulong address, int length)
    {
        for (int i = _written.Count - 1; i >= 0; i--)
        {
            if (_written[i].Address != address || _written[i].Length != length) continue;
            _written.RemoveAt(i);
            break;
        }
        if (_written.Count > 0)
        {
            var (lastAddress, lastLength) = _written[^1];
            if (lastLength >= 64 && lastAddress + (ulong)lastLength == address && lastLength + length <= PageSize * MaxPagesPerRead)
            {
                _written[^1] = (lastAddress, lastLength + length);
                return;
            }
        }
        _written.Add((address, length));
    }

    private void MissPages(ulong address, ulong length)
    {
        if (length == 0 || address >= Size) return;
        ulong end = Math.Min(Size, address + length);
        for (ulong page = address / PageSize; page * PageSize < end; page++)
            if (!_fetched.ContainsKey(page)) _missed.Add(page);
    }

    // Pops every available chain of a copy of the queue and reads its readable part: each page it touches and does not
    // hold is missed. Nothing of the copy is kept; the real queue is untouched.
    private void DryRun(QueueState state)
    {
        _dry = true;
        try
        {
            var copy = Virtqueue.RestoreDevice(state, _dryView);
            for (int i = 0; i <= state.Config.Size; i++)
            {
                if (copy.TryPop(out var chain) != PopResult.Popped) break;
                ulong readable = Math.Min(chain.ReadableLength, DeviceQueue.MaxBackendRequestBytes);
                if (readable > 0) chain.TryRead(_dryView, 0, new byte[readable]);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A state the copy refuses: the real pass finds the same problem and reports it.
        }
        finally
        {
            _dry = false;
        }
    }

    private IEnumerable<(ulong Address, uint Length)> Ranges()
    {
        ulong start = 0, count = 0;
        foreach (ulong page in _missed)
        {
            if (count > 0 && page == start + count && count < MaxPagesPerRead)
            {
                count++;
                continue;
            }
            if (count > 0) yield return Range(start, count);
            start = page;
            count = 1;
        }
        if (count > 0) yield return Range(start, count);
    }

    private (ulong Address, uint Length) Range(ulong firstPage, ulong pages)
    {
        ulong address = firstPage * PageSize;
        return (address, (uint)Math.Min(pages * PageSize, Size - address));
    }
}
