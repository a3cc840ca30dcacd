using Virtsim.Actors.Dispatch;

namespace Virtsim.Cli.Configuration;

/// <summary>The <c>virtsim.actors.dispatcher</c> section as plain data.</summary>
public sealed record DispatcherSettings
{
    /// <summary>Simulation or threaded.</summary>
    public required DispatcherKind Kind { get; init; }

    /// <summary>Threaded: messages per actor turn.</summary>
    public required int Throughput { get; init; }

    /// <summary>Threaded: queue turns on the worker's local queue.</summary>
    public required bool PreferLocalQueues { get; init; }

    /// <summary>Simulation: wall-clock time at virtual zero.</summary>
    public required DateTimeOffset Epoch { get; init; }

    /// <summary>A new dispatcher of this kind; <paramref name="seed"/> seeds the simulation's interleaving.</summary>
    public Dispatcher Create(int seed) => Kind == DispatcherKind.Simulation
        ? new SimulationDispatcher(seed, Epoch)
        : new ThreadedDispatcher(Throughput, PreferLocalQueues);
}
