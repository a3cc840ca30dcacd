namespace Virtsim.Simulation.Environment;

/// <summary>
/// The only source of time for actors: real in real-time runs, virtual under simulation, so actors never read
/// <see cref="DateTime.Now"/> or a <see cref="System.Diagnostics.Stopwatch"/> themselves.
/// </summary>
public interface IClock
{
    /// <summary>Monotonic time since the actor system started (virtual time under simulation).</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Wall-clock time; under simulation a fixed epoch plus the virtual time.</summary>
    DateTimeOffset UtcNow { get; }
}
