using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Waves;

namespace Virtsim.Fleet.Tests.Waves;

public class WaveGateTests
{
    private sealed record Case(WaveLimits Limits, int PerRack, WaveMove[] Moves, int[] FinishPicks);

    private static readonly Gen<Case> Cases =
        from hosts in Gen.Choose(2, 30)
        from perRack in Gen.Choose(1, 6)
        from limits in (from h in Gen.Choose(1, 3) from r in Gen.Choose(1, 6) from t in Gen.Choose(1, 10) select new WaveLimits(h, r, t))
        from moves in Gen.ArrayOf(
            from a in Gen.Choose(0, hosts - 1)
            from b in Gen.Choose(0, hosts - 1)
            from stage in Gen.Choose(0, 3)
            where a != b
            select new WaveMove("v", a, b, stage))
        from picks in Gen.ArrayOf(Gen.Choose(0, 1000), moves.Length)
        select new Case(limits, perRack, [.. moves.OrderBy(m => m.Stage)], picks);

    [Fact]
    public void Never_more_than_the_limits_run_stages_run_in_order_and_every_move_starts_and_ends()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            int RackOf(int h) => h / c.PerRack;
            var gate = new WaveGate(c.Limits, c.Moves, RackOf);
            var running = new List<int>();
            var started = new HashSet<int>();
            string? problem = null;
            void Start(IReadOnlyList<int> moves)
            {
                foreach (int m in moves)
                {
                    if (!started.Add(m)) problem ??= $"move {m} started twice";
                    running.Add(m);
                }
                var now = running.Select(i => c.Moves[i]).ToList();
                if (now.Count > c.Limits.Total) problem ??= $"{now.Count} running, total {c.Limits.Total}";
                foreach (var host in now.SelectMany(m => new[] { m.From, m.To }).Distinct())
                    if (now.Count(m => m.From == host || m.To == host) > c.Limits.PerHost) problem ??= $"host {host} over per-host";
                foreach (var rack in now.SelectMany(m => new[] { RackOf(m.From), RackOf(m.To) }).Distinct())
                    if (now.Count(m => RackOf(m.From) == rack || RackOf(m.To) == rack) > c.Limits.PerRack) problem ??= $"rack {rack} over per-rack";
                if (now.Select(m => m.Stage).Distinct().Count() > 1) problem ??= "two stages at once";
                int lowestWaiting = Enumerable.Range(0, c.Moves.Length).Where(i => !started.Contains(i)).Select(i => c.Moves[i].Stage).DefaultIfEmpty(int.MaxValue).Min();
                if (now.Any(m => m.Stage > lowestWaiting)) problem ??= "a later stage started before an earlier one";
            }
            Start(gate.Open());
            for (int k = 0; running.Count > 0; k++)
            {
                int pick = running[c.FinishPicks[k] % running.Count];
                running.Remove(pick);
                Start(gate.Finished(pick));
            }
            if (problem is not null) return false.Label(problem);
            if (started.Count != c.Moves.Length || !gate.Complete) return false.Label($"{started.Count} of {c.Moves.Length} moves ran: the gate stalled");
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    [Fact]
    public void Limits_below_one_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new WaveGate(new WaveLimits(0, 1, 1), [], h => 0));
        Assert.Throws<ArgumentException>(() => new WaveGate(new WaveLimits(1, 1, 0), [], h => 0));
    }
}
