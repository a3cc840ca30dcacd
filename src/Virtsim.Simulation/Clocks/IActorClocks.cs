using Akka.Actor;

namespace Virtsim.Simulation.Clocks;

/// <summary>
/// The clocks of the places a simulation models, when some run off its virtual time (register with
/// <see cref="Engine.Simulator.SkewClocks"/>): a timer an actor sets for itself (an <c>IWithTimers</c> timer, a
/// <c>ScheduleTellOnce</c> to its own <c>Self</c>) waits its delay on its place's clock, so a fast clock fires it
/// early and a slow one late. A message scheduled to another actor after a delay models a transfer (a DMA's latency,
/// a wire) and takes true virtual time. Called on the simulation thread; the answer must come only from its arguments
/// and the simulation's seeded state, so a seed replays it.
/// </summary>
public interface IActorClocks
{
    /// <summary>
    /// The virtual time that passes while the clock of <paramref name="owner"/> counts <paramref name="delay"/>,
    /// starting at virtual time <paramref name="now"/>; <paramref name="delay"/> itself for an actor whose clock is true.
    /// </summary>
    TimeSpan VirtualDelay(IActorRef owner, TimeSpan delay, TimeSpan now);
}
