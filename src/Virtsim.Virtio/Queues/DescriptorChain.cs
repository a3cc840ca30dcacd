using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues;

/// <summary>
/// A validated descriptor chain popped by a device-side queue: its id, and its segments with every
/// device-readable one before every device-writable one. Chains are pooled by their queue: one stays
/// valid from the pop until it is completed, and must not be used after that.
/// </summary>
public sealed class DescriptorChain
{
    private ChainSegment[] _segments;
    private int _count;

    /// <summary>Creates an empty chain with room for <paramref name="capacity"/> segments (it grows as needed).</summary>
    public DescriptorChain(int capacity = 8) => _segments = new ChainSegment[Math.Max(1, capacity)];

    /// <summary>The buffer id the device returns when it uses the chain (split: head index; packed: buffer id).</summary>
    public ushort Id { get; set; }

    /// <summary>How many ring descriptors the chain occupies (1 for an indirect chain in a split ring).</summary>
    public ushort DescriptorCount { get; set; }

    /// <summary>True when the chain came from an indirect table.</summary>
    public bool IsIndirect { get; set; }

    /// <summary>Queue-private bookkeeping (for example the chain's slot in the in-flight table).</summary>
    public int QueueSlot { get; set; } = -1;

    /// <summary>The segments in chain order.</summary>
    public ReadOnlySpan<ChainSegment> Segments => _segments.AsSpan(0, _count);

    /// <summary>Number of segments.</summary>
    public int SegmentCount => _count;

    /// <summary>Number of device-readable segments (they come first).</summary>
    public int ReadableCount { get; private set; }

    /// <summary>Total bytes of the device-readable segments.</summary>
    public ulong ReadableLength { get; private set; }

    /// <summary>Total bytes of the device-writable segments.</summary>
    public ulong WritableLength { get; private set; }

    /// <summary>Empties the chain for reuse.</summary>
    public void Clear()
    {
        _count = 0;
        ReadableCount = 0;
        ReadableLength = 0;
        WritableLength = 0;
        IsIndirect = false;
        DescriptorCount = 0;
    }

    /// <summary>
    /// Appends a segment. Returns false (and appends nothing) if a readable segment would follow a writable one.
    /// </summary>
    public bool TryAdd(ChainSegment segment)
    {
        if (!segment.IsWritable && _count > ReadableCount)
            return false;
        if (_count == _segments.Length)
            Array.Resize(ref _segments, _segments.Length * 2);
        _segments[_count++] = segment;
        if (segment.IsWritable) WritableLength += segment.Length;
        else { ReadableCount++; ReadableLength += segment.Length; }
        return true;
    }

    /// <summary>
    /// Copies readable bytes starting at <paramref name="offset"/> (counted across the readable segments)
    /// into <paramref name="destination"/>. False if the chain has too few readable bytes or memory faults.
    /// </summary>
    public bool TryRead(DeviceMemory memory, ulong offset, Span<byte> destination)
    {
        if (offset + (ulong)destination.Length > ReadableLength || offset + (ulong)destination.Length < offset) return false;
        for (int i = 0; i < ReadableCount && !destination.IsEmpty; i++)
        {
            var s = _segments[i];
            if (offset >= s.Length) { offset -= s.Length; continue; }
            int take = (int)Math.Min((ulong)destination.Length, s.Length - offset);
            if (!memory.TryRead(s.Address + offset, destination[..take], MemoryAccessKind.Data)) return false;
            destination = destination[take..];
            offset = 0;
        }
        return destination.IsEmpty;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the writable bytes starting at <paramref name="offset"/> (counted
    /// across the writable segments). False if the chain has too little writable room or memory faults.
    /// </summary>
    public bool TryWrite(DeviceMemory memory, ulong offset, ReadOnlySpan<byte> source)
    {
        if (offset + (ulong)source.Length > WritableLength || offset + (ulong)source.Length < offset) return false;
        for (int i = ReadableCount; i < _count && !source.IsEmpty; i++)
        {
            var s = _segments[i];
            if (offset >= s.Length) { offset -= s.Length; continue; }
            int take = (int)Math.Min((ulong)source.Length, s.Length - offset);
            if (!memory.TryWrite(s.Address + offset, source[..take], MemoryAccessKind.Data)) return false;
            source = source[take..];
            offset = 0;
        }
        return source.IsEmpty;
    }

    /// <summary>A copy of the segments, for saving in-flight state.</summary>
    public ChainSegment[] ToArray() => Segments.ToArray();
}
