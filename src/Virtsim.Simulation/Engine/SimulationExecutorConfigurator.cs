using Akka.Configuration;
using Akka.Dispatch;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// The executor plug-in for Akka.NET dispatchers (<c>executor = "Virtsim.Simulation.Engine.SimulationExecutorConfigurator,
/// Virtsim.Simulation"</c>): every mailbox turn goes to the <see cref="Simulator"/> instead of a thread pool.
/// Needs the <see cref="VirtualTimeScheduler"/>, through which it finds its simulator.
/// </summary>
public sealed class SimulationExecutorConfigurator : ExecutorServiceConfigurator
{
    private readonly Simulator _simulator;

    /// <summary>Called by Akka.NET with the dispatcher's configuration.</summary>
    public SimulationExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites)
    {
        _simulator = prerequisites.Scheduler is VirtualTimeScheduler scheduler
            ? scheduler.Simulator
            : throw new ConfigurationException(
                $"The simulation executor of dispatcher '{config.GetString("id", "?")}' needs akka.scheduler.implementation = " +
                $"\"{typeof(VirtualTimeScheduler).FullName}, Virtsim.Simulation\" (create the system with Simulator.CreateSystem).");
    }

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new SimulationExecutor(id, _simulator);

    private sealed class SimulationExecutor(string id, Simulator simulator) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => simulator.Schedule(run);

        public override void Shutdown() { }
    }
}
