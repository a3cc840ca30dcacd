namespace Virtsim.Fleet.Migration;

/// <summary>
/// Concurrent transfers of known sizes over shared links, as a fluid: each moves at its max-min fair share
/// (<see cref="LinkShares"/>) until the set of transfers or a link's capacity changes, when every transfer's progress is
/// brought up to date and the shares are solved again. So a transfer's time follows from its bytes and the shares it
/// got on the way, and a wave of migrations slows each other down. Pure (time comes in as ticks), deterministic
/// (transfers are solved in the order they were added), not thread-safe: one per owner.
/// </summary>
public sealed class TransferSchedule
{
    // A transfer whose remaining bytes fall under this is done (rounding of rate x time).
    private const double Epsilon = 0.5;

    private readonly LinkShares _shares = new();
    private readonly List<Transfer> _transfers = [];
    private double[] _rates = new double[8];
    private long _now;

    /// <summary>The virtual time (ticks) the progress is up to date with.</summary>
    public long Now => _now;

    /// <summary>Where to add the bytes each link carries over time (null: not recorded).</summary>
    public LinkUsage? Usage { get; set; }

    /// <summary>Transfers still moving.</summary>
    public int Count => _transfers.Count;

    /// <summary>Sets link <paramref name="link"/>'s capacity (bytes per second; 0: the link is down) from <paramref name="nowTicks"/> on.</summary>
    public void SetLinkCapacity(int link, double bytesPerSecond, long nowTicks)
    {
        Advance(nowTicks);
        _shares.SetCapacity(link, bytesPerSecond);
        Solve();
    }

    /// <summary>Link <paramref name="link"/>'s capacity.</summary>
    public double LinkCapacity(int link) => _shares.Capacity(link);

    /// <summary>Starts transfer <paramref name="id"/> of <paramref name="bytes"/> at <paramref name="nowTicks"/>, capped at <paramref name="cap"/> bytes per second, over <paramref name="links"/>.</summary>
    public void Add(long id, double bytes, double cap, int[] links, long nowTicks)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (!(bytes >= 0)) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "a transfer moves at least 0 bytes");
        if (_transfers.Any(t => t.Id == id)) throw new ArgumentException($"transfer {id} is already moving", nameof(id));
        Advance(nowTicks);
        _transfers.Add(new Transfer(id, bytes, cap, links));
        Solve();
    }

    /// <summary>Cancels transfer <paramref name="id"/> at <paramref name="nowTicks"/>; false when it is not moving.</summary>
    public bool Remove(long id, long nowTicks)
    {
        int i = _transfers.FindIndex(t => t.Id == id);
        if (i < 0) return false;
        Advance(nowTicks);
        _transfers.RemoveAt(i);
        Solve();
        return true;
    }

    /// <summary>Brings every transfer's progress up to <paramref name="nowTicks"/> and takes out those that finished (in the order added).</summary>
    public List<(long Id, double Bytes)> TakeFinished(long nowTicks)
    {
        Advance(nowTicks);
        var done = new List<(long, double)>();
        for (int i = 0; i < _transfers.Count; i++)
        {
            var t = _transfers[i];
            if (t.Remaining > Epsilon) continue;
            done.Add((t.Id, t.Bytes));
            _transfers.RemoveAt(i--);
        }
        if (done.Count > 0) Solve();
        return done;
    }

    /// <summary>The earliest tick a transfer finishes at the current rates, or null when none moves.</summary>
    public long? NextFinish()
    {
        long? next = null;
        foreach (var t in _transfers)
        {
            if (t.Remaining <= Epsilon) return _now;
            if (t.Rate <= 0) continue;
            long at = _now + Math.Max(0, (long)Math.Ceiling(t.Remaining / t.Rate * TimeSpan.TicksPerSecond - 1e-6));
            if (next is null || at < next) next = at;
        }
        return next;
    }

    /// <summary>Transfer <paramref name="id"/>'s rate now (bytes per second), or 0.</summary>
    public double Rate(long id) => _transfers.Find(t => t.Id == id)?.Rate ?? 0;

    /// <summary>Bytes transfer <paramref name="id"/> has moved as of <see cref="Now"/>, or 0.</summary>
    public double Sent(long id) => _transfers.Find(t => t.Id == id) is { } t ? t.Bytes - t.Remaining : 0;

    /// <summary>The transfers now moving with their rates, in the order added.</summary>
    public IEnumerable<(long Id, double Rate, double Sent)> Current() => _transfers.Select(t => (t.Id, t.Rate, t.Bytes - t.Remaining));

    private void Advance(long nowTicks)
    {
        if (nowTicks < _now) throw new ArgumentOutOfRangeException(nameof(nowTicks), nowTicks, "time must not go backwards");
        double seconds = (double)(nowTicks - _now) / TimeSpan.TicksPerSecond;
        long from = _now;
        _now = nowTicks;
        if (seconds == 0) return;
        foreach (var t in _transfers)
        {
            // Only the bytes it still had to move (a transfer that finished early in the stretch stops there).
            double moved = Math.Min(t.Remaining, t.Rate * seconds);
            if (Usage is { } usage && moved > 0) usage.Add(t.Links, t.Rate, from, from + (long)Math.Ceiling(moved / t.Rate * TimeSpan.TicksPerSecond));
            t.Remaining -= moved;
        }
    }

    private void Solve()
    {
        _shares.Clear();
        foreach (var t in _transfers) _shares.AddTransfer(t.Cap, t.Links);
        if (_rates.Length < _transfers.Count) _rates = new double[_transfers.Count * 2];
        _shares.Solve(_rates);
        for (int i = 0; i < _transfers.Count; i++) _transfers[i].Rate = _rates[i];
    }

    private sealed class Transfer(long id, double bytes, double cap, int[] links)
    {
        public long Id { get; } = id;
        public double Bytes { get; } = bytes;
        public double Cap { get; } = cap;
        public int[] Links { get; } = links;
        public double Remaining { get; set; } = bytes;
        public double Rate { get; set; }
    }
}
