using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// What a real-time run (<see cref="FleetRunner.RunThreaded(Akka.Actor.ActorSystem, WorldSpec, int, RealTimeOptions, out FleetWorld)"/>:
/// a threaded node, <c>--local-nodes</c>, a cluster) cannot do with a scenario, checked before it starts so that nothing
/// is silently left out. Message faults need the simulator's one interception point (<c>Simulator.Intercept</c>), which
/// Akka.NET's own mailboxes do not have; iommu-unmap, corrupt-memory and clock-skew faults need its virtual time.
/// </summary>
public static class RealTimeLimits
{
    /// <summary>The error to refuse <paramref name="spec"/> with in real time, at its first message fault; null when it can run.</summary>
    public static HoconException? Refusal(WorldSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.MessageFaults.Count > 0)
        {
            var first = spec.MessageFaults[0];
            string more = spec.MessageFaults.Count > 1 ? $" (and {spec.MessageFaults.Count - 1} more)" : "";
            return new HoconException(first.Position,
                $"message faults (kind = message){more} run only under the simulator: a real-time run (virtsim.actors.dispatcher.type = threaded, " +
                "--local-nodes, a cluster) has no interception point on its mailboxes; run the scenario on the default node, or remove its message faults");
        }
        // These act through the simulator (its scheduler's clocks, a ring pass armed under virtual time); a real-time
        // run has nothing that would carry them out, so it must not start as if it did.
        var simulatedOnly = spec.Faults.Where(f => f.Kind is ScheduledFaultKind.IommuUnmap or ScheduledFaultKind.CorruptMemory)
            .Select(f => f.Kind == ScheduledFaultKind.IommuUnmap ? "iommu-unmap" : "corrupt-memory")
            .Concat(spec.ClockSkews.Select(_ => "clock-skew")).Distinct().ToList();
        if (simulatedOnly.Count == 0) return null;
        return new HoconException(null,
            $"faults of kind {string.Join(", ", simulatedOnly)} run only under the simulator: a real-time run (virtsim.actors.dispatcher.type = threaded, " +
            "--local-nodes, a cluster) cannot inject them; run the scenario on the default node, or remove those faults");
    }
}
