using Virtsim.Fleet.Backends;

namespace Virtsim.Fleet.Flow;

/// <summary>
/// The pure model of a device at <see cref="Fidelity.Flow"/>: requests are booked on the vendor's service lanes
/// (<see cref="BackendServiceModel"/>: deterministic service time per request and per KiB, one lane or a VF's
/// engines, in arrival order) and held until they finish; finishes falling in the same batch window (aligned to
/// multiples of the window, in virtual ticks) are delivered together at the window's end, so a device sends one
/// completion event per window instead of one message per request. No clock, no actor: the owner passes the time.
/// </summary>
/// <typeparam name="T">What a request carries back when it is delivered.</typeparam>
public sealed class FlowQueue<T>
{
    private readonly BackendServiceModel _service;
    private readonly long _window;
    private readonly PriorityQueue<T, (long Due, long Sequence)> _pending = new();
    private long _sequence;

    /// <summary>Creates an empty queue over <paramref name="service"/> with batch windows of <paramref name="windowTicks"/> (0: no batching).</summary>
    public FlowQueue(BackendServiceModel service, long windowTicks)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
        ArgumentOutOfRangeException.ThrowIfNegative(windowTicks);
        _window = windowTicks;
    }

    /// <summary>Requests booked and not yet delivered.</summary>
    public int Count => _pending.Count;

    /// <summary>When the next delivery is due (ticks), or null when nothing is held.</summary>
    public long? NextDue => _pending.TryPeek(out _, out var key) ? key.Due : null;

    /// <summary>The held items, in no particular order.</summary>
    public IEnumerable<T> Items => _pending.UnorderedItems.Select(e => e.Element);

    /// <summary>The end of the batch window <paramref name="finishTicks"/> falls in (a finish on a boundary is delivered there).</summary>
    public static long DeliveryTime(long finishTicks, long windowTicks) =>
        windowTicks <= 0 ? finishTicks : (finishTicks + windowTicks - 1) / windowTicks * windowTicks;

    /// <summary>Books <paramref name="item"/> of <paramref name="bytes"/> arriving at <paramref name="nowTicks"/>; returns when it finishes service.</summary>
    public long Add(T item, long bytes, long nowTicks)
    {
        var (_, finish) = _service.Schedule(nowTicks, bytes);
        _pending.Enqueue(item, (DeliveryTime(finish, _window), _sequence++));
        return finish;
    }

    /// <summary>Moves every item due by <paramref name="nowTicks"/> into <paramref name="into"/>, in due order (arrival order within a window); returns how many.</summary>
    public int TakeDue(long nowTicks, List<T> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        int n = 0;
        while (_pending.TryPeek(out _, out var key) && key.Due <= nowTicks)
        {
            into.Add(_pending.Dequeue());
            n++;
        }
        return n;
    }

    /// <summary>Drops everything held (the lanes keep their bookings: time already spent stays spent).</summary>
    public void Clear() => _pending.Clear();
}
