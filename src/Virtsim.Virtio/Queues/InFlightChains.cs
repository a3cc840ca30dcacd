namespace Virtsim.Virtio.Queues;

/// <summary>
/// The chains a device-side queue has popped and not yet completed, plus a pool of spare chain objects,
/// so steady-state popping and completing allocates nothing. Removal is O(1) in any order.
/// </summary>
public sealed class InFlightChains
{
    private readonly Stack<DescriptorChain> _spare = new();
    private readonly List<DescriptorChain> _inFlight;
    private readonly List<long> _popOrder;
    private long _nextPop;

    /// <summary>Creates a table for a queue of <paramref name="queueSize"/> descriptors.</summary>
    public InFlightChains(int queueSize)
    {
        _inFlight = new List<DescriptorChain>(queueSize);
        _popOrder = new List<long>(queueSize);
    }

    /// <summary>Number of chains in flight.</summary>
    public int Count => _inFlight.Count;

    /// <summary>The chains in flight, in no particular order.</summary>
    public IReadOnlyList<DescriptorChain> Chains => _inFlight;

    /// <summary>A cleared chain object to fill (from the pool when one is spare).</summary>
    public DescriptorChain Rent()
    {
        var chain = _spare.Count > 0 ? _spare.Pop() : new DescriptorChain();
        chain.Clear();
        chain.QueueSlot = -1;
        return chain;
    }

    /// <summary>Returns a rented chain that was never made in flight (for example after a validation error).</summary>
    public void Return(DescriptorChain chain)
    {
        chain.QueueSlot = -1;
        _spare.Push(chain);
    }

    /// <summary>Records <paramref name="chain"/> as in flight.</summary>
    public void Add(DescriptorChain chain)
    {
        chain.QueueSlot = _inFlight.Count;
        _inFlight.Add(chain);
        _popOrder.Add(_nextPop++);
    }

    /// <summary>True when <paramref name="chain"/> is in flight in this table.</summary>
    public bool Contains(DescriptorChain chain) =>
        (uint)chain.QueueSlot < (uint)_inFlight.Count && ReferenceEquals(_inFlight[chain.QueueSlot], chain);

    /// <summary>Removes <paramref name="chain"/> from flight and puts it back in the pool. False if it was not in flight.</summary>
    public bool Complete(DescriptorChain chain)
    {
        if (!Contains(chain)) return false;
        int slot = chain.QueueSlot;
        int last = _inFlight.Count - 1;
        if (slot != last)
        {
            _inFlight[slot] = _inFlight[last];
            _popOrder[slot] = _popOrder[last];
            _inFlight[slot].QueueSlot = slot;
        }
        _inFlight.RemoveAt(last);
        _popOrder.RemoveAt(last);
        Return(chain);
        return true;
    }

    /// <summary>The in-flight chains as saved state, in the order they were popped.</summary>
    public InFlightBuffer[] Save()
    {
        var order = Enumerable.Range(0, _inFlight.Count).OrderBy(i => _popOrder[i]);
        return [.. order.Select(i => _inFlight[i]).Select(c => new InFlightBuffer(c.Id, c.DescriptorCount, c.IsIndirect, c.ToArray()))];
    }

    /// <summary>Rebuilds in-flight chains from saved state (after a restore).</summary>
    public void Restore(IEnumerable<InFlightBuffer> buffers)
    {
        Clear();
        foreach (var buffer in buffers)
        {
            var chain = Rent();
            chain.Id = buffer.Id;
            chain.DescriptorCount = buffer.DescriptorCount;
            chain.IsIndirect = buffer.IsIndirect;
            foreach (var segment in buffer.Segments)
                chain.TryAdd(segment);
            Add(chain);
        }
    }

    /// <summary>Drops every in-flight chain (queue reset).</summary>
    public void Clear()
    {
        foreach (var chain in _inFlight) Return(chain);
        _inFlight.Clear();
        _popOrder.Clear();
    }
}
