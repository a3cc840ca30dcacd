namespace Virtsim.Virtio.Memory;

/// <summary>Counts of device-side memory transactions and bytes, by kind and direction.</summary>
/// <remarks>Plain fields, no locking: each device-side queue owns its own counters.</remarks>
public sealed class TransactionCounters
{
    private const int Kinds = 5;
    private readonly long[] _reads = new long[Kinds];
    private readonly long[] _writes = new long[Kinds];
    private readonly long[] _readBytes = new long[Kinds];
    private readonly long[] _writeBytes = new long[Kinds];

    /// <summary>Read transactions of <paramref name="kind"/>.</summary>
    public long Reads(MemoryAccessKind kind) => _reads[(int)kind];

    /// <summary>Write transactions of <paramref name="kind"/>.</summary>
    public long Writes(MemoryAccessKind kind) => _writes[(int)kind];

    /// <summary>Bytes read for <paramref name="kind"/>.</summary>
    public long ReadBytes(MemoryAccessKind kind) => _readBytes[(int)kind];

    /// <summary>Bytes written for <paramref name="kind"/>.</summary>
    public long WriteBytes(MemoryAccessKind kind) => _writeBytes[(int)kind];

    /// <summary>All read transactions.</summary>
    public long TotalReads => _reads.Sum();

    /// <summary>All write transactions.</summary>
    public long TotalWrites => _writes.Sum();

    /// <summary>All transactions except payload (<see cref="MemoryAccessKind.Data"/>): the ring's own overhead.</summary>
    public long RingOverhead => TotalReads + TotalWrites - Reads(MemoryAccessKind.Data) - Writes(MemoryAccessKind.Data);

    /// <summary>Records one read of <paramref name="bytes"/> bytes.</summary>
    public void CountRead(MemoryAccessKind kind, int bytes)
    {
        _reads[(int)kind]++;
        _readBytes[(int)kind] += bytes;
    }

    /// <summary>Records one write of <paramref name="bytes"/> bytes.</summary>
    public void CountWrite(MemoryAccessKind kind, int bytes)
    {
        _writes[(int)kind]++;
        _writeBytes[(int)kind] += bytes;
    }

    /// <summary>Adds another set of counters into this one.</summary>
    public void Add(TransactionCounters other)
    {
        for (int i = 0; i < Kinds; i++)
        {
            _reads[i] += other._reads[i];
            _writes[i] += other._writes[i];
            _readBytes[i] += other._readBytes[i];
            _writeBytes[i] += other._writeBytes[i];
        }
    }

    /// <summary>Sets every counter to zero.</summary>
    public void Clear()
    {
        Array.Clear(_reads);
        Array.Clear(_writes);
        Array.Clear(_readBytes);
        Array.Clear(_writeBytes);
    }

    /// <summary>One line: reads and writes per kind.</summary>
    public override string ToString() =>
        string.Join(", ", Enum.GetValues<MemoryAccessKind>().Select(k => $"{k}: {Reads(k)}r/{Writes(k)}w"));
}
