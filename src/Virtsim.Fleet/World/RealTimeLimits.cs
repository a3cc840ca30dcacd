using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// What a real-time run (<see cref="FleetRunner.RunThreaded(Akka.Actor.ActorSystem, WorldSpec, int, RealTimeOptions, out FleetWorld)"/>:
/// a threaded node, <c>--local-nodes</c>, a cluster) cannot do with a scenario, checked before it starts so that nothing
/// is silently left out. Message faults need the simulator's one interception point (<c>Simulator.Intercept</c>), which
/// Akka.NET's own mailboxes do not have.
/// </summary>
public static class RealTimeLimits
{
    /// <summary>The error to refuse <paramref name="spec"/> with in real time, at its first message fault; null when it can run.</summary>
    public static HoconException? Refusal(WorldSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.MessageFaults.Count == 0) return null;
        var first = spec.MessageFaults[0];
        string more = spec.MessageFaults.Count > 1 ? $" (and {spec.MessageFaults.Count - 1} more)" : "";
        return new HoconException(first.Position,
            $"message faults (kind = message){more} run only under the simulator: a real-time run (virtsim.actors.dispatcher.type = threaded, " +
            "--local-nodes, a cluster) has no interception point on its mailboxes; run the scenario on the default node, or remove its message faults");
    }
}
