namespace Virtsim.Hosting.Node;

/// <summary>How a node runs its actors (<c>virtsim.actors.dispatcher.type</c>).</summary>
public enum DispatcherKind
{
    /// <summary>Deterministic virtual time under a <see cref="Virtsim.Simulation.Engine.Simulator"/>.</summary>
    Simulation,

    /// <summary>Real time on Akka.NET's own dispatchers (the thread pool).</summary>
    Threaded,
}
