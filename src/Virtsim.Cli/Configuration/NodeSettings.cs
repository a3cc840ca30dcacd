using Virtsim.Actors.Hosting;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Supervision;
using Virtsim.Persistence.Configuration;

namespace Virtsim.Cli.Configuration;

/// <summary>
/// One node's configuration (the cluster file given to <c>virtsim run --cluster</c>, or the built-in single-node
/// one) as plain data: its name, dispatcher, seed, guardian supervision and persistence store.
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

    /// <summary>Restarts allowed per top-level actor within <see cref="GuardianWithin"/> (negative: unlimited).</summary>
    public required int GuardianMaxRestarts { get; init; }

    /// <summary>Window of <see cref="GuardianMaxRestarts"/>, or null for none.</summary>
    public TimeSpan? GuardianWithin { get; init; }

    /// <summary>The journal and snapshot store (open them with <see cref="PersistenceStoreFactory"/>).</summary>
    public required PersistenceSettings Persistence { get; init; }

    /// <summary>The persistent actors' settings (<c>virtsim.persistence.actors</c>).</summary>
    public required PersistentActorOptions PersistentActors { get; init; }

    /// <summary>
    /// Options for <see cref="ActorSystem.Create"/>: a new dispatcher (<paramref name="simulationSeed"/> seeds a
    /// simulation's interleaving), the seed and the guardian's strategy.
    /// </summary>
    public ActorSystemOptions ToActorSystemOptions(int simulationSeed) => new()
    {
        Dispatcher = Dispatcher.Create(simulationSeed),
        Seed = Seed,
        GuardianStrategy = GuardianMaxRestarts < 0 && GuardianWithin is null
            ? SupervisorStrategy.Default
            : new OneForOneStrategy(GuardianMaxRestarts, GuardianWithin, SupervisorStrategy.DefaultDecider),
    };

    /// <summary>One line for logs: source, node, dispatcher and store.</summary>
    public string Describe()
    {
        string store = Persistence.Plugin switch
        {
            PersistencePlugin.Sqlite => $"sqlite {Persistence.SqlitePath}",
            PersistencePlugin.PostgreSql => $"postgresql schema {Persistence.PostgreSql.Schema}",
            _ => "memory",
        };
        return $"{Source}: node {Name}, {Dispatcher.Kind.ToString().ToLowerInvariant()} dispatcher, persistence {store}";
    }
}
