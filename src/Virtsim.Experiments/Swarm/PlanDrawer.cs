namespace Virtsim.Experiments.Swarm;

/// <summary>
/// Draws a swarm run's fault plan from a scenario's <see cref="FaultSpace"/>: 1 to K faults, each of a kind that
/// applies, on a device or host the scenario has, at a time log-uniform between 1 us and its max-virtual-time (runs
/// often end long before that limit: a uniform draw would put most faults after the end). The draw uses a
/// System.Random seeded from the run's seed alone, so the seed replays the plan.
/// </summary>
public static class PlanDrawer
{
    /// <summary>
    /// The plan of <paramref name="seed"/>: the same seed and space give the same plan. Empty when nothing in the space
    /// can fail.
    /// </summary>
    /// <param name="space">What may be broken.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="maxFaults">At most this many faults (at least 1).</param>
    public static IReadOnlyList<PlannedFault> Draw(FaultSpace space, int seed, int maxFaults)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFaults, 1);
        var kinds = space.Kinds;
        if (kinds.Count == 0) return [];
        // Not the run's own seed: the simulator seeds its Random with it too, and the plan should not mirror its draws.
        var random = new Random(unchecked(seed * 397) ^ 0x5377_6172);
        int count = random.Next(1, maxFaults + 1);
        var plan = new List<PlannedFault>(count);
        for (int i = 0; i < count; i++)
        {
            string kind = kinds[random.Next(kinds.Count)];
            bool host = FaultKinds.TargetsHost(kind);
            string target = host ? space.Hosts[random.Next(space.Hosts.Count)] : space.Devices[random.Next(space.Devices.Count)];
            var at = LogUniform(random, FaultSpace.MinTime, space.MaxTime);
            var duration = kind == FaultKinds.LinkFailure ? LogUniform(random, FaultSpace.MinTime, space.MaxTime) : TimeSpan.Zero;
            plan.Add(new PlannedFault(at, kind, target, duration));
        }
        return plan.OrderBy(f => f.At).ToList();
    }

    // A time in [min, max) on a log scale, in whole microseconds (exact in a scenario file).
    private static TimeSpan LogUniform(Random random, TimeSpan min, TimeSpan max)
    {
        if (max <= min) return min;
        double lo = Math.Log(min.TotalMicroseconds), hi = Math.Log(max.TotalMicroseconds);
        long micros = (long)Math.Floor(Math.Exp(lo + random.NextDouble() * (hi - lo)));
        long lowest = (long)min.TotalMicroseconds;
        return TimeSpan.FromMicroseconds(Math.Clamp(micros, lowest, Math.Max(lowest, (long)max.TotalMicroseconds - 1)));
    }
}
