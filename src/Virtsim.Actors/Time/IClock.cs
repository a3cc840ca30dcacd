namespace Virtsim.Actors.Time;

/// <summary>
/// The only source of time for actors. Real under the threaded dispatcher, virtual under simulation, so actors
/// never read <see cref="DateTime.Now"/> themselves.
/// </summary>
public interface IClock
{
    /// <summary>Monotonic time since the dispatcher started (virtual time under simulation).</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Wall-clock time; under simulation a fixed epoch plus <see cref="Elapsed"/>.</summary>
    DateTimeOffset UtcNow { get; }
}
