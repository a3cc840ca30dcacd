namespace Virtsim.Fleet.Migration;

/// <summary>
/// Max-min fair shares of link bandwidth among concurrent transfers (progressive filling, or water-filling): every
/// transfer crosses a set of links (a source host's NIC egress and a destination's ingress; later a rack uplink or a
/// spine) and has its own cap (the migration's bandwidth setting). All rates rise together from zero; a transfer
/// stops rising when it reaches its cap or when a link it crosses is full, and the others go on. The result is the
/// unique max-min fair allocation: no transfer can get more without taking from one that has less or the same.
/// </summary>
/// <remarks>
/// <para>Use: <see cref="SetCapacity"/> for each link once (capacities stay), then per change in the set of transfers
/// <see cref="Clear"/>, <see cref="AddTransfer"/> for each, <see cref="Solve"/>. Link numbers are the caller's (for
/// example host i's egress 2i and ingress 2i + 1).</para>
/// <para>Cost: a solve touches only links that carry a transfer, never the fleet's others, so 20,000 hosts cost
/// nothing while idle. Each round of filling is O(links in use + transfers still rising), and there is one round per
/// distinct bottleneck level. Deterministic: the same transfers in the same order give the same bits; another order
/// the same rates up to rounding.</para>
/// <para>Pure and not thread-safe: one instance per owner.</para>
/// </remarks>
public sealed class LinkShares
{
    // Relative slack when deciding that a level reaches a link's or a cap's: rounding must not leave a hair of
    // capacity to a round of its own.
    private const double Slack = 1e-12;

    private double[] _capacity = [];
    private bool[] _hasCapacity = [];
    // Per link, for the current transfers only (reset by Clear for the links in use).
    private int[] _transferCount = [];
    private double[] _frozenLoad = [];
    private int[] _rising = [];
    private int[] _linkStart = [];
    private readonly List<int> _linksInUse = [];

    // Transfers: caps and their links (flattened: transfer t's links are _paths[_pathStart[t] .. _pathStart[t + 1])).
    private readonly List<double> _caps = [];
    private readonly List<int> _pathStart = [0];
    private readonly List<int> _paths = [];

    /// <summary>Sets link <paramref name="link"/>'s capacity in bytes per second (kept across <see cref="Clear"/>).</summary>
    public void SetCapacity(int link, double bytesPerSecond)
    {
        if (link < 0) throw new ArgumentOutOfRangeException(nameof(link), link, "link numbers start at 0");
        if (!(bytesPerSecond >= 0) || double.IsInfinity(bytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, $"link {link}'s capacity must be a finite number of bytes per second, at least 0");
        Grow(link + 1);
        _capacity[link] = bytesPerSecond;
        _hasCapacity[link] = true;
    }

    /// <summary>Link <paramref name="link"/>'s capacity, bytes per second (0 when never set).</summary>
    public double Capacity(int link) => link >= 0 && link < _capacity.Length ? _capacity[link] : 0;

    /// <summary>Transfers added since the last <see cref="Clear"/>.</summary>
    public int TransferCount => _caps.Count;

    /// <summary>Links carrying at least one of the current transfers.</summary>
    public int LinksInUse => _linksInUse.Count;

    /// <summary>Rounds of filling the last <see cref="Solve"/> took (one per distinct bottleneck level).</summary>
    public int LastRounds { get; private set; }

    /// <summary>Links and transfers the last <see cref="Solve"/> visited over all its rounds: the work it did.</summary>
    public long LastWork { get; private set; }

    /// <summary>Forgets the transfers (the capacities stay); touches only the links they used.</summary>
    public void Clear()
    {
        foreach (int link in _linksInUse) _transferCount[link] = 0;
        _linksInUse.Clear();
        _caps.Clear();
        _paths.Clear();
        _pathStart.Clear();
        _pathStart.Add(0);
    }

    /// <summary>
    /// Adds a transfer capped at <paramref name="cap"/> bytes per second (<see cref="double.PositiveInfinity"/> for
    /// none) over <paramref name="links"/> (each with a capacity set; a link listed twice counts once). Returns its
    /// index in the rates <see cref="Solve"/> fills.
    /// </summary>
    public int AddTransfer(double cap, params ReadOnlySpan<int> links)
    {
        if (!(cap >= 0)) throw new ArgumentOutOfRangeException(nameof(cap), cap, "a transfer's cap must be at least 0 bytes per second");
        if (links.IsEmpty && double.IsPositiveInfinity(cap))
            throw new ArgumentException("a transfer needs a link or a finite cap, or its share would be unbounded", nameof(links));
        int first = _paths.Count;
        foreach (int link in links)
        {
            if (link < 0 || link >= _hasCapacity.Length || !_hasCapacity[link])
                throw new ArgumentException($"link {link} has no capacity set", nameof(links));
            bool seen = false;
            for (int i = first; i < _paths.Count && !seen; i++) seen = _paths[i] == link;
            if (seen) continue;
            _paths.Add(link);
            if (_transferCount[link]++ == 0) _linksInUse.Add(link);
        }
        _caps.Add(cap);
        _pathStart.Add(_paths.Count);
        return _caps.Count - 1;
    }

    /// <summary>Fills <paramref name="rates"/> (one per transfer, in the order added) with the max-min fair shares, bytes per second.</summary>
    public void Solve(Span<double> rates)
    {
        int transfers = _caps.Count;
        if (rates.Length < transfers)
            throw new ArgumentException($"room for {rates.Length} rates, but there are {transfers} transfers", nameof(rates));

        // Per link in use: the transfers crossing it (flattened), none frozen yet.
        int slot = 0;
        foreach (int link in _linksInUse)
        {
            _linkStart[link] = slot;
            slot += _transferCount[link];
            _frozenLoad[link] = 0;
            _rising[link] = 0;
        }
        var crossing = new int[slot];
        for (int t = 0; t < transfers; t++)
            for (int i = _pathStart[t]; i < _pathStart[t + 1]; i++)
            {
                int link = _paths[i];
                crossing[_linkStart[link] + _rising[link]++] = t;
            }

        var rising = new List<int>(transfers);
        for (int t = 0; t < transfers; t++) rising.Add(t);
        var activeLinks = new List<int>(_linksInUse);
        var frozen = new bool[transfers];
        var toFreeze = new List<int>();
        LastRounds = 0;
        LastWork = 0;

        // Every rising transfer has the same rate, the level; a link with F bytes/s of frozen transfers and n rising
        // ones fills at level (C - F) / n. The next level is the lowest of those and of the rising transfers' caps.
        while (rising.Count > 0)
        {
            LastRounds++;
            LastWork += activeLinks.Count + rising.Count;
            double level = double.PositiveInfinity;
            foreach (int link in activeLinks)
                level = Math.Min(level, Math.Max(0, _capacity[link] - _frozenLoad[link]) / _rising[link]);
            foreach (int t in rising)
                level = Math.Min(level, _caps[t]);

            double reach = level * (1 + Slack);
            toFreeze.Clear();
            foreach (int t in rising)
                if (_caps[t] <= reach) Mark(t);
            foreach (int link in activeLinks)
                if (Math.Max(0, _capacity[link] - _frozenLoad[link]) / _rising[link] <= reach)
                    for (int i = _linkStart[link]; i < _linkStart[link] + _transferCount[link]; i++)
                        if (!frozen[crossing[i]]) Mark(crossing[i]);
            // The lowest level is some link's or some cap's, so each round freezes a transfer; this cannot loop.
            if (toFreeze.Count == 0) throw new InvalidOperationException($"link shares made no progress at level {level}");

            foreach (int t in toFreeze)
            {
                rates[t] = Math.Min(level, _caps[t]);
                for (int i = _pathStart[t]; i < _pathStart[t + 1]; i++)
                {
                    int link = _paths[i];
                    _frozenLoad[link] += rates[t];
                    _rising[link]--;
                }
            }
            rising.RemoveAll(t => frozen[t]);
            activeLinks.RemoveAll(link => _rising[link] == 0);
        }

        void Mark(int t)
        {
            if (frozen[t]) return;
            frozen[t] = true;
            toFreeze.Add(t);
        }
    }

    private void Grow(int links)
    {
        if (links <= _capacity.Length) return;
        int size = Math.Max(links, _capacity.Length * 2);
        Array.Resize(ref _capacity, size);
        Array.Resize(ref _hasCapacity, size);
        Array.Resize(ref _transferCount, size);
        Array.Resize(ref _frozenLoad, size);
        Array.Resize(ref _rising, size);
        Array.Resize(ref _linkStart, size);
    }
}
