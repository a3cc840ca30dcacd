using Virtsim.Fleet.Persistence;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Node;

/// <summary>
/// One node's configuration (the cluster file given to <c>virtsim run --cluster</c>, or the built-in single-node
/// one) as plain data: its name, how it runs actors, its seed, its persistence store and snapshot policy.
/// </summary>
public sealed record NodeSettings
{
    /// <summary>Where the settings were read from (a file path, or the built-in name).</summary>
    public required string Source { get; init; }

    /// <summary>The node's actor system name.</summary>
    public required string Name { get; init; }

    /// <summary>The dispatcher.</summary>
    public required DispatcherSettings Dispatcher { get; init; }

    /// <summary>The actor system's random seed, or null for derived/random.</summary>
    public int? Seed { get; init; }

    /// <summary>The journal and snapshot store of real-time runs (check it with <see cref="PersistenceStore"/>).</summary>
    public required PersistenceSettings Persistence { get; init; }

    /// <summary>The node as a cluster member (<c>virtsim.cluster</c>): used by <c>virtsim node</c> and <c>virtsim cluster</c>.</summary>
    public required ClusterSettings Cluster { get; init; }

    /// <summary>Snapshot every this many events (0: never) (<c>virtsim.persistence.actors.snapshot-every</c>).</summary>
    public required int SnapshotEvery { get; init; }

    /// <summary>Delete what a snapshot covers (<c>virtsim.persistence.actors.delete-after-snapshot</c>).</summary>
    public required bool DeleteAfterSnapshot { get; init; }

    /// <summary>Virtual time a store call takes under simulation (<c>virtsim.persistence.actors.simulated-store-latency</c>).</summary>
    public required TimeSpan SimulatedStoreLatency { get; init; }

    /// <summary>The world's persistence with these settings, under <paramref name="idPrefix"/>.</summary>
    public FleetPersistence FleetPersistence(string idPrefix) => new(idPrefix, SnapshotEvery, DeleteAfterSnapshot);

    /// <summary>One line for logs: source, node, dispatcher and store.</summary>
    public string Describe()
    {
        if (Dispatcher.Kind == DispatcherKind.Simulation)
            return $"{Source}: node {Name}, simulation dispatcher, persistence in the simulator's store";
        string store = Persistence.Plugin switch
        {
            PersistencePlugin.Sqlite => $"sqlite {Persistence.Sqlite.Path}",
            PersistencePlugin.PostgreSql => $"postgresql schema {Persistence.PostgreSql.Schema}",
            _ => "memory",
        };
        return $"{Source}: node {Name}, threaded dispatcher, persistence {store}";
    }
}
