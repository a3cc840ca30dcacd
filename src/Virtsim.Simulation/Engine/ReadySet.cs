namespace Virtsim.Simulation.Engine;

/// <summary>
/// The work that is ready to run, from which the simulation takes one item at a time chosen by its seeded random
/// source: the same seed and the same arrivals give the same order, another seed another interleaving. Removal
/// swaps the last item into the hole, so every operation is O(1). Pure data; not thread-safe.
/// </summary>
/// <typeparam name="T">The work items.</typeparam>
internal sealed class ReadySet<T>
{
    private T[] _items = new T[64];

    /// <summary>Items ready now.</summary>
    public int Count { get; private set; }

    /// <summary>Adds an item.</summary>
    public void Add(T item)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = item;
    }

    /// <summary>Takes one item chosen uniformly by <paramref name="random"/>. The set must not be empty.</summary>
    public T TakeRandom(Random random)
    {
        // With one item the choice is forced: no draw, so a run that never has two ready items uses no randomness.
        var index = Count == 1 ? 0 : random.Next(Count);
        var item = _items[index];
        Count--;
        _items[index] = _items[Count];
        _items[Count] = default!;
        return item;
    }
}
