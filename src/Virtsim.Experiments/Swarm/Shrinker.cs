using Virtsim.Fleet.World;

namespace Virtsim.Experiments.Swarm;

/// <summary>The smallest plan and world a shrink found, and how many runs it took.</summary>
/// <param name="Plan">The plan: never more faults than the input, and it still fails the same way.</param>
/// <param name="Verdict">The verdict of <see cref="Plan"/> (the input's when no change was kept).</param>
/// <param name="Runs">Runs tried.</param>
/// <param name="World">The world: never more devices than the input, none with more requests (the input's when unchanged).</param>
public sealed record ShrinkResult(IReadOnlyList<PlannedFault> Plan, RunVerdict Verdict, int Runs, WorldSpec World);

/// <summary>
/// Shrinks a failing fault plan and its world: first removes faults one at a time, then moves each remaining fault
/// later (its time doubled, up to the scenario's max-virtual-time), then removes each device no fault names (with the
/// VM and host it leaves empty), then halves each remaining device's requests (down to 1), re-running after each
/// change and keeping it only when the run still fails the same way (<see cref="RunVerdict.SameFailureAs"/>). A run
/// budget bounds the work.
/// </summary>
public static class Shrinker
{
    /// <summary>Shrinks <paramref name="plan"/> alone (an empty world), which failed with <paramref name="failure"/>.</summary>
    /// <param name="plan">The failing plan.</param>
    /// <param name="failure">Its verdict.</param>
    /// <param name="run">Runs a plan (the same seed each time) and gives its verdict.</param>
    /// <param name="maxTime">No fault is moved to or past this time.</param>
    /// <param name="budget">At most this many runs.</param>
    public static ShrinkResult Shrink(IReadOnlyList<PlannedFault> plan, RunVerdict failure, Func<IReadOnlyList<PlannedFault>, RunVerdict> run,
        TimeSpan maxTime, int budget) =>
        Shrink(plan, new WorldSpec(), failure, (p, _) => run(p), maxTime, budget);

    /// <summary>Shrinks <paramref name="plan"/> and <paramref name="world"/>, which failed together with <paramref name="failure"/>.</summary>
    /// <param name="plan">The failing plan.</param>
    /// <param name="world">The world it ran in.</param>
    /// <param name="failure">Its verdict.</param>
    /// <param name="run">Runs a plan in a world (the same seed each time) and gives its verdict.</param>
    /// <param name="maxTime">No fault is moved to or past this time.</param>
    /// <param name="budget">At most this many runs.</param>
    public static ShrinkResult Shrink(IReadOnlyList<PlannedFault> plan, WorldSpec world, RunVerdict failure,
        Func<IReadOnlyList<PlannedFault>, WorldSpec, RunVerdict> run, TimeSpan maxTime, int budget)
    {
        if (!failure.Failed) throw new ArgumentException("only a failing plan shrinks", nameof(failure));
        var best = plan.ToList();
        var bestWorld = world;
        var bestVerdict = failure;
        int runs = 0;
        bool Try(List<PlannedFault> candidate, WorldSpec candidateWorld)
        {
            if (runs >= budget) return false;
            runs++;
            var verdict = run(candidate, candidateWorld);
            if (!failure.SameFailureAs(verdict)) return false;
            best = candidate;
            bestWorld = candidateWorld;
            bestVerdict = verdict;
            return true;
        }

        // Fewer faults: drop each in turn; after a kept removal the same index holds the next fault.
        for (int i = 0; i < best.Count && runs < budget;)
        {
            var without = best.Where((_, j) => j != i).ToList();
            if (!Try(without, bestWorld)) i++;
        }
        // Later faults: double each fault's time while the failure stays.
        for (int i = 0; i < best.Count && runs < budget; i++)
        {
            while (runs < budget)
            {
                var later = Later(best[i].At, maxTime);
                if (later is null) break;
                var moved = best.ToList();
                moved[i] = best[i].StartingAt(later.Value);
                if (!Try(moved, bestWorld)) break;
            }
        }
        // Fewer devices: each one no fault names.
        foreach (var path in WorldCuts.Removable(bestWorld, best))
        {
            if (runs >= budget) break;
            Try(best, WorldCuts.Without(bestWorld, path, best));
        }
        // Fewer requests: halve each device's while the failure stays.
        foreach (var path in WorldCuts.Devices(bestWorld))
        {
            while (runs < budget)
            {
                int requests = WorldCuts.RequestsOf(bestWorld, path);
                if (requests <= 1) break;
                if (!Try(best, WorldCuts.WithRequests(bestWorld, path, requests / 2))) break;
            }
        }
        return new ShrinkResult(best, bestVerdict, runs, bestWorld);
    }

    private static TimeSpan? Later(TimeSpan at, TimeSpan maxTime)
    {
        var later = TimeSpan.FromMicroseconds(Math.Max(1, (long)at.TotalMicroseconds) * 2);
        return later < maxTime ? later : null;
    }
}
