using Akka.Actor;
using Virtsim.Fleet.Metrics;
using Virtsim.Simulation.Clocks;

namespace Virtsim.Fleet.World;

/// <summary>
/// The clocks of a world's hosts under a scenario's clock-skew faults: an actor's clock is its host's, the host
/// whose actor (<c>/user/HOST</c>) it lives under (its VMs, drivers, workloads, devices and backends), so a VM that
/// migrated takes the clock of its new host. Counts each timer its skew changed in
/// <see cref="FleetCounter.ClockSkewedTimers"/>.
/// </summary>
public sealed class HostClocks : IActorClocks
{
    private readonly Dictionary<string, ClockSkewSpec> _byHost;
    private readonly FleetMetrics _metrics;

    /// <summary>Clocks for <paramref name="skews"/> (at most one per host), counted in <paramref name="metrics"/>.</summary>
    public HostClocks(IEnumerable<ClockSkewSpec> skews, FleetMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(skews);
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _byHost = skews.SelectMany(s => s.Hosts.Select(h => (h, s))).ToDictionary(x => x.h, x => x.s, StringComparer.Ordinal);
    }

    /// <summary>The host an actor lives under, or null (the switch, the migration coordinator, the system's own actors).</summary>
    public static string? HostOf(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var elements = actor.Path.Elements;
        return elements.Count >= 2 && elements[0] == "user" ? elements[1] : null;
    }

    /// <summary>True when <paramref name="actor"/> lives under one of <paramref name="hosts"/>.</summary>
    public static bool OnHosts(IActorRef actor, IReadOnlyList<string> hosts) => HostOf(actor) is { } host && hosts.Contains(host);

    /// <inheritdoc />
    public TimeSpan VirtualDelay(IActorRef owner, TimeSpan delay, TimeSpan now)
    {
        if (HostOf(owner) is not { } host || !_byHost.TryGetValue(host, out var skew)) return delay;
        var skewed = skew.VirtualDelay(now, delay);
        if (skewed != delay) _metrics.Add(FleetCounter.ClockSkewedTimers);
        return skewed;
    }
}
