namespace Virtsim.Simulation.Engine;

/// <summary>
/// Timers in virtual time: ordered by due time, ties by the order they were added, so firing order never depends
/// on anything but the run itself. Pure data; not thread-safe (the simulation owns it).
/// </summary>
/// <typeparam name="T">What a timer carries.</typeparam>
internal sealed class TimerQueue<T>
{
    private readonly PriorityQueue<T, (long Due, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Timers waiting, including cancelled ones not yet reached.</summary>
    public int Count => _queue.Count;

    /// <summary>Adds a timer due at <paramref name="dueTicks"/> (virtual ticks).</summary>
    public void Add(long dueTicks, T item) => _queue.Enqueue(item, (dueTicks, _seq++));

    /// <summary>The earliest timer and its due time, if any.</summary>
    public bool TryPeek(out long dueTicks, out T item)
    {
        if (_queue.TryPeek(out item!, out var key))
        {
            dueTicks = key.Due;
            return true;
        }
        dueTicks = 0;
        return false;
    }

    /// <summary>
    /// Gives every timer the due time <paramref name="due"/> returns for it and its current one; ties keep the order the
    /// timers were added in.
    /// </summary>
    public void Retime(Func<T, long, long> due)
    {
        var all = new List<(T Item, long Due, long Seq)>(_queue.Count);
        while (_queue.TryDequeue(out var item, out var key)) all.Add((item, due(item, key.Due), key.Seq));
        foreach (var (item, d, seq) in all) _queue.Enqueue(item, (d, seq));
    }

    /// <summary>Removes the earliest timer.</summary>
    public void RemoveFirst() => _queue.Dequeue();

    /// <summary>Takes the earliest timer if it is due at or before <paramref name="nowTicks"/>.</summary>
    public bool TryTakeDue(long nowTicks, out T item)
    {
        if (_queue.TryPeek(out item!, out var key) && key.Due <= nowTicks)
        {
            _queue.Dequeue();
            return true;
        }
        item = default!;
        return false;
    }
}
