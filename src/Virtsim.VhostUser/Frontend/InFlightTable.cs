namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The driver's table of submitted but not yet completed buffers, keyed by the ring's buffer id: what each id
/// stands for, so a used entry is matched to its request (an id the device returns that is not in flight is a
/// device error). Kept explicit so that in-flight state can later be shared with a back-end (INFLIGHT_SHMFD).
/// </summary>
/// <typeparam name="T">What the driver records per buffer (a slot number, a request).</typeparam>
public sealed class InFlightTable<T>
{
    private readonly T[] _entries;
    private readonly bool[] _busy;

    /// <summary>A table for a ring of <paramref name="size"/> descriptors (ids are below it).</summary>
    public InFlightTable(int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size));
        _entries = new T[size];
        _busy = new bool[size];
    }

    /// <summary>Buffers in flight.</summary>
    public int Count { get; private set; }

    /// <summary>Records that buffer <paramref name="id"/> now stands for <paramref name="entry"/>.</summary>
    /// <exception cref="InvalidOperationException">The id is already in flight (a driver bug).</exception>
    public void Add(ushort id, T entry)
    {
        if (id >= _busy.Length) throw new ArgumentOutOfRangeException(nameof(id));
        if (_busy[id]) throw new InvalidOperationException($"buffer id {id} is already in flight");
        _busy[id] = true;
        _entries[id] = entry;
        Count++;
    }

    /// <summary>Removes buffer <paramref name="id"/>; false when it was not in flight.</summary>
    public bool TryComplete(ushort id, out T entry)
    {
        if (id >= _busy.Length || !_busy[id])
        {
            entry = default!;
            return false;
        }
        _busy[id] = false;
        entry = _entries[id];
        _entries[id] = default!;
        Count--;
        return true;
    }

    /// <summary>True when buffer <paramref name="id"/> is in flight.</summary>
    public bool Contains(ushort id) => id < _busy.Length && _busy[id];
}
