using Akka.Actor;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// The work a backend actor holds while its service time runs: one FIFO per lane of its
/// <see cref="BackendServiceModel"/> (a worker thread, or one of a VF's engines), each item due at the finish time the
/// model gave it. The owning actor adds items as they arrive and hands every <see cref="ServiceLaneDue"/> timer
/// message back here, which delivers what is due in order and re-arms the lane's single timer for the next item.
/// Not thread-safe: it belongs to one actor and is used only from its handlers.
/// </summary>
/// <typeparam name="T">What is held (a reply to send, a frame to forward).</typeparam>
public sealed class ServiceLanes<T>
{
    private readonly BackendServiceModel _model;
    private readonly Queue<(long FinishTicks, T Item)>[] _lanes;
    private readonly ServiceLaneDue[] _keys;

    /// <summary>Creates the lanes of <paramref name="model"/>.</summary>
    public ServiceLanes(BackendServiceModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _lanes = new Queue<(long, T)>[model.Lanes];
        _keys = new ServiceLaneDue[model.Lanes];
        for (int i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = new Queue<(long, T)>();
            _keys[i] = new ServiceLaneDue(i);
        }
    }

    /// <summary>Items held in every lane.</summary>
    public int Held
    {
        get
        {
            int n = 0;
            foreach (var lane in _lanes) n += lane.Count;
            return n;
        }
    }

    /// <summary>The held items, lane by lane, each lane in its order.</summary>
    public IEnumerable<T> Items
    {
        get
        {
            foreach (var lane in _lanes)
                foreach (var held in lane) yield return held.Item;
        }
    }

    /// <summary>
    /// Schedules <paramref name="item"/> of <paramref name="bytes"/> arriving at <paramref name="nowTicks"/> (virtual or
    /// real clock ticks) on the lane the model picks; starts that lane's timer when the lane was idle.
    /// </summary>
    public void Add(T item, long bytes, long nowTicks, ITimerScheduler timers)
    {
        var (lane, finish) = _model.Schedule(nowTicks, bytes);
        var queue = _lanes[lane];
        queue.Enqueue((finish, item));
        if (queue.Count == 1) timers.StartSingleTimer(_keys[lane], _keys[lane], TimeSpan.FromTicks(finish - nowTicks));
    }

    /// <summary>
    /// The lane timer <paramref name="due"/> fired at <paramref name="nowTicks"/>: hands every item due by then to
    /// <paramref name="deliver"/> (real-time timers may fire a little late), then re-arms for the lane's next item.
    /// </summary>
    public void OnDue(ServiceLaneDue due, long nowTicks, ITimerScheduler timers, Action<T> deliver)
    {
        var queue = _lanes[due.Lane];
        while (queue.Count > 0 && queue.Peek().FinishTicks <= nowTicks) deliver(queue.Dequeue().Item);
        if (queue.Count > 0) timers.StartSingleTimer(due, due, TimeSpan.FromTicks(queue.Peek().FinishTicks - nowTicks));
    }
}

/// <summary>The timer message (and key) of one lane of a <see cref="ServiceLanes{T}"/>: its head item is due.</summary>
public sealed class ServiceLaneDue
{
    internal ServiceLaneDue(int lane) => Lane = lane;

    /// <summary>The lane.</summary>
    public int Lane { get; }
}
