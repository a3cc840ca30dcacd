namespace Virtsim.Fleet.Waves;

/// <summary>
/// Chooses where each VM of a run's migration waves goes, before the run (pure: hosts and waves in, plans out, the
/// same every time). Destinations are hosts outside the wave (or, rolling upgrades, outside the batch being upgraded
/// and the batches after it) with room for one more VM (<c>capacity</c> VMs at most, those already there and those
/// planned to arrive counted), in the source's rack first, then in any rack, the least loaded first
/// (<see cref="PlacementStrategy.Spread"/>) or the fullest with room (<see cref="PlacementStrategy.Pack"/>). Waves are
/// planned in order, each on the placement the ones before it leave. A VM moves at most once in a run (the migration
/// machinery follows one move per VM), so a VM an earlier wave moved, or one the scenario's own <c>migrations</c>
/// move, is reported unplaced with that reason, as is a VM no host has room for. Work is O((hosts + moves) log hosts)
/// per stage.
/// </summary>
public static class WavePlanner
{
    /// <summary>A host as the planner sees it.</summary>
    /// <param name="Name">Its name (for reasons).</param>
    /// <param name="Rack">Its rack (any single value without racks).</param>
    /// <param name="Vms">The names of the VMs it starts with.</param>
    public sealed record Host(string Name, int Rack, IReadOnlyList<string> Vms);

    /// <summary>One wave to plan.</summary>
    /// <param name="Kind">What it does.</param>
    /// <param name="Hosts">The indices of its hosts, in world order.</param>
    /// <param name="BatchSize">Rolling upgrades: hosts per batch (at least 1).</param>
    public sealed record Request(WaveKind Kind, IReadOnlyList<int> Hosts, int BatchSize = 1);

    /// <summary>Plans <paramref name="waves"/> in order over <paramref name="hosts"/>.</summary>
    /// <param name="hosts">Every host in world order.</param>
    /// <param name="capacity">VMs a destination may hold at most (at least 1).</param>
    /// <param name="strategy">Which host with room is taken.</param>
    /// <param name="waves">The waves.</param>
    /// <param name="pinned">"host/vm" of VMs the scenario migrates itself (they are left alone).</param>
    public static IReadOnlyList<WavePlan> Plan(IReadOnlyList<Host> hosts, int capacity, PlacementStrategy strategy,
        IReadOnlyList<Request> waves, IReadOnlySet<string> pinned)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(waves);
        ArgumentNullException.ThrowIfNull(pinned);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Where each VM is now: (original host, name); and which VMs have moved already.
        var residents = hosts.Select((h, i) => h.Vms.Select(v => new Resident(i, v)).ToList()).ToList();
        var plans = new List<WavePlan>();
        foreach (var wave in waves)
        {
            var moves = new List<WaveMove>();
            var unplaced = new List<WaveUnplaced>();
            switch (wave.Kind)
            {
                case WaveKind.Evacuate:
                    Evacuate(hosts, residents, wave.Hosts, [.. wave.Hosts], capacity, strategy, pinned, 0, moves, unplaced);
                    break;
                case WaveKind.RollingUpgrade:
                    int batch = Math.Max(1, wave.BatchSize);
                    for (int start = 0, stage = 0; start < wave.Hosts.Count; start += batch, stage++)
                    {
                        var current = wave.Hosts.Skip(start).Take(batch).ToList();
                        // Not into this batch nor a later one: those are about to be emptied (a VM moves once).
                        var excluded = wave.Hosts.Skip(start).ToHashSet();
                        Evacuate(hosts, residents, current, excluded, capacity, strategy, pinned, stage, moves, unplaced);
                    }
                    break;
                case WaveKind.Rebalance:
                    Rebalance(hosts, residents, wave.Hosts, capacity, strategy, pinned, moves, unplaced);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(waves), wave.Kind, "unknown wave kind");
            }
            plans.Add(new WavePlan(moves, unplaced));
        }
        return plans;
    }

    private static void Evacuate(IReadOnlyList<Host> hosts, List<List<Resident>> residents, IReadOnlyList<int> sources, HashSet<int> excluded,
        int capacity, PlacementStrategy strategy, IReadOnlySet<string> pinned, int stage, List<WaveMove> moves, List<WaveUnplaced> unplaced)
    {
        var destinations = new Destinations(hosts, residents, i => !excluded.Contains(i), capacity, strategy);
        foreach (int source in sources)
        {
            foreach (var vm in residents[source].ToList())
            {
                if (Refusal(hosts, vm, source, pinned) is { } reason) { unplaced.Add(new WaveUnplaced(vm.Name, vm.Home, reason, source)); continue; }
                int? to = destinations.Take(hosts[source].Rack);
                if (to is not int destination)
                {
                    unplaced.Add(new WaveUnplaced(vm.Name, vm.Home, $"no host outside the wave has room (vm-placement.max-vms-per-host = {capacity})", source));
                    continue;
                }
                Move(residents, vm, source, destination, stage, moves);
            }
        }
    }

    private static void Rebalance(IReadOnlyList<Host> hosts, List<List<Resident>> residents, IReadOnlyList<int> members, int capacity,
        PlacementStrategy strategy, IReadOnlySet<string> pinned, List<WaveMove> moves, List<WaveUnplaced> unplaced)
    {
        if (members.Count == 0) return;
        int vms = members.Sum(i => residents[i].Count);
        int target = Math.Min(capacity, (vms + members.Count - 1) / members.Count);
        var inWave = members.ToHashSet();
        var destinations = new Destinations(hosts, residents, inWave.Contains, target, strategy);
        foreach (int source in members)
        {
            // The VMs over the target leave, the last ones first; those that may not move stay (and say why).
            for (int k = residents[source].Count - 1; k >= 0 && residents[source].Count > target; k--)
            {
                var vm = residents[source][k];
                if (Refusal(hosts, vm, source, pinned) is { } reason) { unplaced.Add(new WaveUnplaced(vm.Name, vm.Home, reason, source)); continue; }
                if (destinations.Take(hosts[source].Rack) is not int destination)
                {
                    unplaced.Add(new WaveUnplaced(vm.Name, vm.Home, $"no host below the average load ({target} VMs) has room", source));
                    continue;
                }
                Move(residents, vm, source, destination, 0, moves);
            }
        }
    }

    private static string? Refusal(IReadOnlyList<Host> hosts, Resident vm, int at, IReadOnlySet<string> pinned)
    {
        if (vm.Home != at || vm.Moved) return $"already moved to {hosts[at].Name} by an earlier wave (a VM migrates at most once in a run)";
        if (pinned.Contains($"{hosts[vm.Home].Name}/{vm.Name}")) return "the scenario's migrations move it";
        return null;
    }

    private static void Move(List<List<Resident>> residents, Resident vm, int from, int to, int stage, List<WaveMove> moves)
    {
        residents[from].Remove(vm);
        vm.Moved = true;
        residents[to].Add(vm);
        moves.Add(new WaveMove(vm.Name, vm.Home, to, stage));
    }

    private sealed class Resident(int home, string name)
    {
        public int Home { get; } = home;
        public string Name { get; } = name;
        public bool Moved { get; set; }
    }

    // Hosts with room, by (load, index): one set per rack and one for the fleet.
    private sealed class Destinations
    {
        private readonly SortedSet<(int Load, int Index)> _all = [];
        private readonly Dictionary<int, SortedSet<(int Load, int Index)>> _byRack = [];
        private readonly IReadOnlyList<Host> _hosts;
        private readonly int[] _load;
        private readonly int _capacity;
        private readonly PlacementStrategy _strategy;

        public Destinations(IReadOnlyList<Host> hosts, List<List<Resident>> residents, Func<int, bool> eligible, int capacity, PlacementStrategy strategy)
        {
            _hosts = hosts;
            _capacity = capacity;
            _strategy = strategy;
            _load = new int[hosts.Count];
            for (int i = 0; i < hosts.Count; i++)
            {
                _load[i] = residents[i].Count;
                if (!eligible(i) || _load[i] >= capacity) continue;
                _all.Add((_load[i], i));
                Rack(hosts[i].Rack).Add((_load[i], i));
            }
        }

        public int? Take(int rack)
        {
            var set = _byRack.TryGetValue(rack, out var own) && own.Count > 0 ? own : _all;
            if (set.Count == 0) return null;
            var pick = _strategy == PlacementStrategy.Spread ? set.Min : Fullest(set);
            int i = pick.Index;
            _all.Remove(pick);
            Rack(_hosts[i].Rack).Remove(pick);
            _load[i]++;
            if (_load[i] < _capacity)
            {
                _all.Add((_load[i], i));
                Rack(_hosts[i].Rack).Add((_load[i], i));
            }
            return i;
        }

        // The highest load, and among those the first host in world order.
        private static (int Load, int Index) Fullest(SortedSet<(int Load, int Index)> set)
        {
            int load = set.Max.Load;
            return set.GetViewBetween((load, int.MinValue), (load, int.MaxValue)).Min;
        }

        private SortedSet<(int Load, int Index)> Rack(int rack)
        {
            if (!_byRack.TryGetValue(rack, out var set)) _byRack[rack] = set = [];
            return set;
        }
    }
}
