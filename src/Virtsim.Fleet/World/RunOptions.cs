using Akka.Actor;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Persistence;

namespace Virtsim.Fleet.World;

/// <summary>How <see cref="FleetRunner"/> runs a world under simulation, beyond its spec and seed.</summary>
public sealed record RunOptions
{
    /// <summary>The world's persistence, or null (then only a <see cref="WorldSpec.Persistent"/> spec journals, with defaults).</summary>
    public FleetPersistence? Persistence { get; init; }

    /// <summary>Called after every slice of virtual time; may be null.</summary>
    public Action<RunProgress>? Progress { get; init; }

    /// <summary>Called with the built world and its simulator before it runs (tests inject faults here); may be null.</summary>
    public Action<FleetWorld, Simulator>? Inspect { get; init; }

    /// <summary>Further Akka.NET settings of the simulated actor system (for example the store's latency), or null.</summary>
    public Akka.Configuration.Config? Akka { get; init; }

    /// <summary>The journals and snapshots to start from (an earlier run's <see cref="FleetWorld.Store"/>), or null for none.</summary>
    public SimulationStore? Store { get; init; }

    /// <summary>
    /// Creates, in the run's actor system, the endpoints and backends placed apart from their hosts (tests of the
    /// remote memory path in one process), with the run's counters; null: every actor where its host puts it.
    /// </summary>
    public Func<ActorSystem, FleetMetrics, RemoteActors>? Place { get; init; }
}
