using Akka.Actor;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;

namespace Virtsim.Fleet.World;

/// <summary>How <see cref="FleetRunner"/> runs a world in real time, beyond its spec and seed.</summary>
public sealed record RealTimeOptions
{
    /// <summary>Wall-clock limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Wall-clock time without a completed request after which the run gives up.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The world's persistence (the actor system's journal holds it), or null for none.</summary>
    public FleetPersistence? Persistence { get; init; }

    /// <summary>Called once the world is built and running (tests inject faults here); may be null.</summary>
    public Action<FleetWorld>? Started { get; init; }

    /// <summary>Called about every 100 ms of wall time; may be null.</summary>
    public Action<RunProgress>? Progress { get; init; }

    /// <summary>Ends the run early (SIGTERM, Ctrl-C); the report then says how far it got.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Places endpoints and backends on other nodes before the world is built (a cluster run whose scenario has a
    /// <c>placement</c>), with the run's counters; null: every actor on this node. It may block (the run's thread waits).
    /// </summary>
    public Func<ActorSystem, FleetMetrics, RemoteActors>? Place { get; init; }
}
