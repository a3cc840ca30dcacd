using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Waves;

namespace Virtsim.Fleet.Tests.Waves;

public class WavePlannerTests
{
    private sealed record Case(WavePlanner.Host[] Hosts, int Capacity, PlacementStrategy Strategy, WavePlanner.Request[] Waves, string[] Pinned);

    private static readonly Gen<Case> Cases =
        from hostCount in Gen.Choose(1, 50)
        from perRack in Gen.Choose(1, 8)
        from loads in Gen.ArrayOf(Gen.Choose(0, 4), hostCount)
        from capacity in Gen.Choose(1, 6)
        from pack in Gen.Elements(PlacementStrategy.Spread, PlacementStrategy.Pack)
        from waveCount in Gen.Choose(1, 3)
        from waves in Gen.ArrayOf(
            from kind in Gen.Elements(WaveKind.Evacuate, WaveKind.Rebalance, WaveKind.RollingUpgrade)
            from picks in Gen.ArrayOf(Gen.Choose(0, 3), hostCount)
            from batch in Gen.Choose(1, 5)
            select new WavePlanner.Request(kind, [.. Enumerable.Range(0, hostCount).Where(i => picks[i] == 0 || kind == WaveKind.Rebalance && picks[i] < 3)], batch),
            waveCount)
        from pinned in Gen.ArrayOf(Gen.Choose(0, hostCount - 1))
        let hosts = Enumerable.Range(0, hostCount).Select(i => new WavePlanner.Host($"h{i}", i / perRack, [.. Enumerable.Range(1, loads[i]).Select(v => $"vm{v}")])).ToArray()
        select new Case(hosts, capacity, pack, waves, [.. pinned.Distinct().Select(i => $"h{i}/vm1")]);

    [Fact]
    public void Every_vm_of_an_evacuated_host_moves_or_is_reported_with_a_reason_and_no_destination_goes_over_capacity()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var plans = WavePlanner.Plan(c.Hosts, c.Capacity, c.Strategy, c.Waves, c.Pinned.ToHashSet());
            // Replay the moves on the placement: where every VM is, keyed by its original host and name.
            var at = new Dictionary<(int, string), int>();
            for (int i = 0; i < c.Hosts.Length; i++) foreach (var vm in c.Hosts[i].Vms) at[(i, vm)] = i;
            var moved = new HashSet<(int, string)>();
            for (int w = 0; w < plans.Count; w++)
            {
                var wave = c.Waves[w];
                var plan = plans[w];
                var before = new Dictionary<(int, string), int>(at);
                foreach (var m in plan.Moves)
                {
                    if (!moved.Add((m.From, m.Vm))) return false.Label($"{m.Vm} of h{m.From} moves twice");
                    if (c.Pinned.Contains($"h{m.From}/{m.Vm}")) return false.Label($"pinned {m.Vm} moved");
                    at[(m.From, m.Vm)] = m.To;
                    if (wave.Kind != WaveKind.Rebalance && wave.Hosts.Contains(m.To) && wave.Kind == WaveKind.Evacuate)
                        return false.Label($"destination h{m.To} is being evacuated");
                }
                var load = new int[c.Hosts.Length];
                foreach (var host in at.Values) load[host]++;
                foreach (int to in plan.Moves.Select(m => m.To).Distinct())
                    if (load[to] > c.Capacity) return false.Label($"h{to} holds {load[to]} VMs, capacity {c.Capacity}");
                if (plan.Unplaced.Any(u => string.IsNullOrWhiteSpace(u.Reason))) return false.Label("an unplaced VM without a reason");
                if (wave.Kind == WaveKind.Rebalance) continue;
                // Evacuations: every VM that was on the wave's hosts before it left them or is reported.
                var reported = plan.Unplaced.Select(u => (u.From, u.Vm)).ToHashSet();
                foreach (var (vm, host) in before)
                {
                    if (!wave.Hosts.Contains(host)) continue;
                    bool left = !wave.Hosts.Contains(at[vm]) || (wave.Kind == WaveKind.RollingUpgrade && at[vm] != host);
                    if (!left && !reported.Contains(vm)) return false.Label($"{vm} stayed on h{host} without a reason");
                }
            }
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    [Fact]
    public void Same_rack_first_then_the_least_loaded_host_of_another_rack()
    {
        var hosts = new[]
        {
            new WavePlanner.Host("a1", 0, ["v1", "v2", "v3"]), new WavePlanner.Host("a2", 0, ["v1"]),
            new WavePlanner.Host("b1", 1, ["v1", "v2"]), new WavePlanner.Host("b2", 1, []),
        };
        var plan = Assert.Single(WavePlanner.Plan(hosts, 2, PlacementStrategy.Spread, [new WavePlanner.Request(WaveKind.Evacuate, [0])], new HashSet<string>()));
        Assert.Equal([("v1", 1), ("v2", 3), ("v3", 3)], plan.Moves.Select(m => (m.Vm, m.To)));
        var packed = Assert.Single(WavePlanner.Plan(hosts, 3, PlacementStrategy.Pack, [new WavePlanner.Request(WaveKind.Evacuate, [0])], new HashSet<string>()));
        Assert.Equal([1, 1, 2], packed.Moves.Select(m => m.To));
        var full = Assert.Single(WavePlanner.Plan(hosts, 1, PlacementStrategy.Spread, [new WavePlanner.Request(WaveKind.Evacuate, [0])], new HashSet<string>()));
        Assert.Equal([3], full.Moves.Select(m => m.To));
        Assert.Equal(2, full.Unplaced.Count);
        Assert.All(full.Unplaced, u => Assert.Contains("no host outside the wave has room", u.Reason));
    }

    [Fact]
    public void A_rolling_upgrade_evacuates_batch_after_batch_and_a_vm_moves_once()
    {
        var hosts = Enumerable.Range(0, 6).Select(i => new WavePlanner.Host($"h{i}", 0, i < 4 ? ["v"] : [])).ToArray();
        var plan = Assert.Single(WavePlanner.Plan(hosts, 4, PlacementStrategy.Spread, [new WavePlanner.Request(WaveKind.RollingUpgrade, [0, 1, 2, 3], 2)], new HashSet<string>()));
        Assert.Equal([0, 0, 1, 1], plan.Moves.Select(m => m.Stage));
        Assert.All(plan.Moves, m => Assert.True(m.To >= 4 || (m.Stage == 1 && m.To < 2), $"h{m.From} -> h{m.To} in batch {m.Stage}"));
        // A second wave evacuating where the first put VMs: they do not move twice.
        var twice = WavePlanner.Plan(hosts, 4, PlacementStrategy.Spread,
            [new WavePlanner.Request(WaveKind.Evacuate, [0]), new WavePlanner.Request(WaveKind.Evacuate, [plan.Moves[0].To == 4 ? 4 : 1])], new HashSet<string>());
        Assert.DoesNotContain(twice[1].Moves, m => m.From == 0);
    }
}
