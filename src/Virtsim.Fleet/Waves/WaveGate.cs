namespace Virtsim.Fleet.Waves;

/// <summary>
/// Releases a wave's planned moves while keeping its <see cref="WaveLimits"/>: a move starts only when its source and
/// destination hosts each have fewer than <c>PerHost</c> migrations running, its racks fewer than <c>PerRack</c>, and
/// the wave fewer than <c>Total</c>; moves start in plan order, a later one overtaking a blocked earlier one; a stage
/// (a rolling upgrade's batch) starts only once every move of the stages before it ended. Pure: the caller starts what
/// <see cref="Open"/> and <see cref="Finished"/> return and reports each end; not thread-safe.
/// </summary>
public sealed class WaveGate
{
    private readonly WaveLimits _limits;
    private readonly IReadOnlyList<WaveMove> _moves;
    private readonly Func<int, int> _rackOf;
    private readonly Dictionary<int, int> _perHost = [];
    private readonly Dictionary<int, int> _perRack = [];
    private readonly List<int> _waiting = [];
    private readonly bool[] _running;
    private int _nextStageStart;
    private int _stage = -1;
    private int _unfinishedInStage;

    /// <summary>A gate over <paramref name="moves"/> (stages ascending), racks given by <paramref name="rackOf"/> (host index to rack).</summary>
    public WaveGate(WaveLimits limits, IReadOnlyList<WaveMove> moves, Func<int, int> rackOf)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(rackOf);
        if (limits.PerHost < 1 || limits.PerRack < 1 || limits.Total < 1) throw new ArgumentException("every limit must be at least 1", nameof(limits));
        for (int i = 1; i < moves.Count; i++)
            if (moves[i].Stage < moves[i - 1].Stage) throw new ArgumentException("moves must be in stage order", nameof(moves));
        _limits = limits;
        _moves = moves;
        _rackOf = rackOf;
        _running = new bool[moves.Count];
    }

    /// <summary>Moves running now.</summary>
    public int Running { get; private set; }

    /// <summary>Moves that ended.</summary>
    public int Done { get; private set; }

    /// <summary>True when every move ended.</summary>
    public bool Complete => Done == _moves.Count;

    /// <summary>Opens the wave: the moves to start now (indices into the plan).</summary>
    public IReadOnlyList<int> Open()
    {
        if (_stage >= 0) throw new InvalidOperationException("the wave is open already");
        NextStage();
        return Release();
    }

    /// <summary>Move <paramref name="move"/> ended (whatever its outcome): the moves that may start now.</summary>
    public IReadOnlyList<int> Finished(int move)
    {
        if (move < 0 || move >= _moves.Count || !_running[move]) throw new ArgumentException($"move {move} is not running", nameof(move));
        _running[move] = false;
        Running--;
        Done++;
        _unfinishedInStage--;
        var m = _moves[move];
        Decrement(_perHost, m.From);
        Decrement(_perHost, m.To);
        Decrement(_perRack, _rackOf(m.From));
        if (_rackOf(m.To) != _rackOf(m.From)) Decrement(_perRack, _rackOf(m.To));
        if (_unfinishedInStage == 0 && _nextStageStart < _moves.Count) NextStage();
        return Release();
    }

    private void NextStage()
    {
        _stage = _nextStageStart < _moves.Count ? _moves[_nextStageStart].Stage : _stage + 1;
        while (_nextStageStart < _moves.Count && _moves[_nextStageStart].Stage == _stage) _waiting.Add(_nextStageStart++);
        _unfinishedInStage = _waiting.Count;
    }

    private List<int> Release()
    {
        var started = new List<int>();
        for (int k = 0; k < _waiting.Count && Running < _limits.Total; k++)
        {
            int i = _waiting[k];
            var m = _moves[i];
            int fromRack = _rackOf(m.From), toRack = _rackOf(m.To);
            if (Count(_perHost, m.From) >= _limits.PerHost || Count(_perHost, m.To) >= _limits.PerHost) continue;
            if (Count(_perRack, fromRack) >= _limits.PerRack || Count(_perRack, toRack) >= _limits.PerRack) continue;
            _perHost[m.From] = Count(_perHost, m.From) + 1;
            _perHost[m.To] = Count(_perHost, m.To) + 1;
            _perRack[fromRack] = Count(_perRack, fromRack) + 1;
            if (toRack != fromRack) _perRack[toRack] = Count(_perRack, toRack) + 1;
            _running[i] = true;
            Running++;
            started.Add(i);
            _waiting.RemoveAt(k--);
        }
        return started;
    }

    private static int Count(Dictionary<int, int> counts, int key) => counts.GetValueOrDefault(key);

    private static void Decrement(Dictionary<int, int> counts, int key)
    {
        if (--counts[key] == 0) counts.Remove(key);
    }
}
