namespace Virtsim.Cli.Configuration;

/// <summary>Which dispatcher a node runs its actors on (<c>virtsim.actors.dispatcher.type</c>).</summary>
public enum DispatcherKind
{
    /// <summary>Deterministic virtual time (<see cref="Virtsim.Actors.Dispatch.SimulationDispatcher"/>).</summary>
    Simulation,

    /// <summary>Real time on the thread pool (<see cref="Virtsim.Actors.Dispatch.ThreadedDispatcher"/>).</summary>
    Threaded,
}
