using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Hosting;

/// <summary>Settings of an <see cref="ActorSystem"/>.</summary>
public sealed class ActorSystemOptions
{
    /// <summary>
    /// Runs the actors and owns time. Default: a new <see cref="ThreadedDispatcher"/>. Use a
    /// <see cref="SimulationDispatcher"/> for deterministic runs; several systems may share one simulation.
    /// </summary>
    public Dispatcher? Dispatcher { get; init; }

    /// <summary>
    /// Seed of the system's <see cref="Randomness.IRandomSource"/>. Default: the simulation's seed under a
    /// <see cref="SimulationDispatcher"/>, otherwise drawn at random (read it back from <see cref="ActorSystem.Seed"/>).
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>How the user guardian (<c>/user</c>) supervises top-level actors. Default: <see cref="SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? GuardianStrategy { get; init; }
}
