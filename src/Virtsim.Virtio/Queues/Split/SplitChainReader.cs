using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues.Split;

/// <summary>
/// Walks and validates one split-ring descriptor chain (spec §2.7.5) into a <see cref="DescriptorChain"/>:
/// direct descriptors linked by <c>next</c>, optionally ending in one INDIRECT descriptor whose table is
/// read in one burst and walked by its own <c>next</c> links. Every walk is bounded by the queue size and
/// loops are detected exactly with per-walk visit stamps, so malformed ring content only ever yields a
/// typed <see cref="QueueError"/>. Preallocated: a walk allocates nothing once the indirect buffer has grown.
/// </summary>
internal sealed class SplitChainReader
{
    private readonly DeviceMemory _memory;
    private readonly ulong _table;
    private readonly int _size;
    private readonly bool _indirectAllowed;
    private readonly int[] _visited;
    private int[]? _visitedIndirect;
    private byte[]? _indirectBytes;
    private int _stamp;

    /// <summary>Creates a reader for the descriptor table at <paramref name="table"/> of a queue of <paramref name="size"/>.</summary>
    public SplitChainReader(DeviceMemory memory, ulong table, int size, bool indirectAllowed)
    {
        _memory = memory;
        _table = table;
        _size = size;
        _indirectAllowed = indirectAllowed;
        _visited = new int[size];
    }

    /// <summary>
    /// Reads the chain starting at descriptor <paramref name="head"/> into <paramref name="chain"/> (which must be
    /// cleared). Returns <see cref="QueueError.None"/> on success.
    /// </summary>
    public QueueError Read(ushort head, DescriptorChain chain)
    {
        NextStamp();
        Span<byte> raw = stackalloc byte[SplitLayout.DescriptorSize];
        int index = head;
        int segments = 0;
        ushort ringDescriptors = 0;
        while (true)
        {
            if (index >= _size) return new QueueError(QueueErrorKind.DescriptorIndexOutOfRange, (ushort)index);
            if (_visited[index] == _stamp) return new QueueError(QueueErrorKind.ChainLoop, (ushort)index, DescriptorAddress(index));
            _visited[index] = _stamp;
            ringDescriptors++;
            ulong at = DescriptorAddress(index);
            if (!_memory.TryRead(at, raw, MemoryAccessKind.Descriptor))
                return QueueError.FromFault(QueueErrorKind.RingAccessFault, _memory.LastFault, (ushort)index);
            var d = SplitDescriptor.Read(raw);
            if (d.IsIndirect)
            {
                var error = ReadIndirect((ushort)index, d, chain, segments);
                if (error.IsError) return error;
                chain.IsIndirect = true;
                break;
            }
            if (++segments > _size) return new QueueError(QueueErrorKind.ChainTooLong, (ushort)index, at);
            var added = AddSegment((ushort)index, d, chain);
            if (added.IsError) return added;
            if (!d.HasNext) break;
            index = d.Next;
        }
        chain.Id = head;
        chain.DescriptorCount = ringDescriptors;
        return QueueError.None;
    }

    private QueueError ReadIndirect(ushort index, SplitDescriptor d, DescriptorChain chain, int segments)
    {
        // The WRITE flag of the descriptor that refers to the table is ignored (spec §2.7.5.3.2).
        if (!_indirectAllowed) return new QueueError(QueueErrorKind.IndirectNotNegotiated, index, d.Address);
        if (d.HasNext) return new QueueError(QueueErrorKind.IndirectWithNext, index, d.Address);
        if (d.Length == 0 || d.Length % SplitLayout.DescriptorSize != 0)
            return new QueueError(QueueErrorKind.IndirectTableLengthInvalid, index, d.Address);
        int entries = (int)Math.Min(d.Length / SplitLayout.DescriptorSize, int.MaxValue);
        // A table describing more descriptors than the queue holds is a chain longer than the queue size.
        if (entries > _size) return new QueueError(QueueErrorKind.ChainTooLong, index, d.Address);
        if (d.Address + d.Length < d.Address) return new QueueError(QueueErrorKind.BufferOutOfRange, index, d.Address);
        var table = IndirectBuffer((int)d.Length);
        // One burst read of the whole table, as a DMA engine would fetch it.
        if (!_memory.TryRead(d.Address, table.AsSpan(0, (int)d.Length), MemoryAccessKind.Descriptor))
            return QueueError.FromFault(QueueErrorKind.BufferOutOfRange, _memory.LastFault, index);
        var visited = _visitedIndirect ??= new int[_size];
        int i = 0;
        while (true)
        {
            if (i >= entries) return new QueueError(QueueErrorKind.DescriptorIndexOutOfRange, (ushort)i, d.Address);
            ulong at = d.Address + (ulong)i * SplitLayout.DescriptorSize;
            if (visited[i] == _stamp) return new QueueError(QueueErrorKind.ChainLoop, (ushort)i, at);
            visited[i] = _stamp;
            var e = SplitDescriptor.Read(table.AsSpan(i * SplitLayout.DescriptorSize, SplitLayout.DescriptorSize));
            if (e.IsIndirect) return new QueueError(QueueErrorKind.NestedIndirect, (ushort)i, at);
            if (++segments > _size) return new QueueError(QueueErrorKind.ChainTooLong, (ushort)i, at);
            var added = AddSegment((ushort)i, e, chain);
            if (added.IsError) return added;
            if (!e.HasNext) return QueueError.None;
            i = e.Next;
        }
    }

    private QueueError AddSegment(ushort index, SplitDescriptor d, DescriptorChain chain)
    {
        var check = _memory.CheckAccess(d.Address, d.Length, d.IsWritable);
        if (check != MemoryFaultKind.None)
        {
            var kind = check == MemoryFaultKind.OutOfRange ? QueueErrorKind.BufferOutOfRange : QueueErrorKind.IommuFault;
            return new QueueError(kind, index, d.Address, check);
        }
        if (!chain.TryAdd(new ChainSegment(d.Address, d.Length, d.IsWritable)))
            return new QueueError(QueueErrorKind.ReadableAfterWritable, index, d.Address);
        return QueueError.None;
    }

    private ulong DescriptorAddress(int index) => _table + (ulong)index * SplitLayout.DescriptorSize;

    private byte[] IndirectBuffer(int length)
    {
        if (_indirectBytes == null || _indirectBytes.Length < length)
            _indirectBytes = new byte[Math.Max(length, Math.Min(_size, 64) * SplitLayout.DescriptorSize)];
        return _indirectBytes;
    }

    private void NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_visited);
            if (_visitedIndirect != null) Array.Clear(_visitedIndirect);
            _stamp = 1;
        }
    }
}
