namespace Virtsim.Experiments.Swarm;

/// <summary>
/// Draws a swarm run's fault plan from a scenario's <see cref="FaultSpace"/>: 1 to K faults, each of a kind that
/// applies, on a device or host the scenario has, at a time log-uniform between 1 us and its max-virtual-time (runs
/// often end long before that limit: a uniform draw would put most faults after the end). A message fault gets a
/// class, an action, a window as long as a second such draw, a probability log-uniform between 0.001 and 0.1, and a
/// delay action a fixed delay log-uniform between 1 us and 1 ms. An <c>iommu-unmap</c> lasts a time log-uniform between
/// 1 us and 1 ms (an outage its driver recovers from; for good it would just be given up); a <c>corrupt-memory</c>
/// corrupts queue 0's next descriptor or (split rings) its available index. The draw uses a
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
            var duration = kind is FaultKinds.LinkFailure or FaultKinds.Message ? LogUniform(random, FaultSpace.MinTime, space.MaxTime)
                : kind == FaultKinds.IommuUnmap ? LogUniform(random, FaultSpace.MinTime, FaultSpace.MaxUnmap)
                : TimeSpan.Zero;
            string? memory = kind == FaultKinds.CorruptMemory
                ? space.PackedRingDevices.Contains(target) ? "descriptor" : FaultKinds.MemoryTargets[random.Next(FaultKinds.MemoryTargets.Count)]
                : null;
            plan.Add(new PlannedFault(at, kind, target, duration, kind == FaultKinds.Message ? Message(random) : null, memory));
        }
        return plan.OrderBy(f => f.At).ToList();
    }

    // A message fault: any class and action, a small probability on a log scale (in steps of 0.0001, exact in a file),
    // and for a delay a fixed time from 1 us to 1 ms.
    private static PlannedMessage Message(Random random)
    {
        string messageClass = FaultKinds.MessageClasses[random.Next(FaultKinds.MessageClasses.Count)];
        string action = FaultKinds.MessageActions[random.Next(FaultKinds.MessageActions.Count)];
        double lo = Math.Log(FaultSpace.MinProbability), hi = Math.Log(FaultSpace.MaxProbability);
        double probability = Math.Clamp(Math.Round(Math.Exp(lo + random.NextDouble() * (hi - lo)), 4), FaultSpace.MinProbability, FaultSpace.MaxProbability);
        var delay = action == "delay" ? LogUniform(random, FaultSpace.MinTime, FaultSpace.MaxDelay) : TimeSpan.Zero;
        return new PlannedMessage(messageClass, action, probability, delay);
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
