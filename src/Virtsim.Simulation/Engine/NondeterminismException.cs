namespace Virtsim.Simulation.Engine;

/// <summary>
/// Something would have made a simulated run depend on more than its seed: a message enqueued, an actor scheduled
/// or a timer set from a thread other than the simulation thread (a PipeTo of a real task, Task.Run in an actor, a
/// journal doing real I/O). The simulation refuses the work and raises this on its own thread at the next step.
/// </summary>
public sealed class NondeterminismException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that names what was refused.</summary>
    public NondeterminismException(string message) : base(message) { }
}
