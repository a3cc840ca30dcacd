using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// The mailbox plug-in (<c>akka.actor.default-mailbox.mailbox-type</c> and the deque-based mailbox stashing actors
/// need): a <see cref="SimulationMessageQueue"/> per actor, which feeds the trace and refuses foreign threads.
/// </summary>
public sealed class SimulationMailboxType : MailboxType, IProducesMessageQueue<SimulationMessageQueue>
{
    /// <summary>Called by Akka.NET with the mailbox's configuration.</summary>
    public SimulationMailboxType(Settings settings, Config config) : base(settings, config) { }

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system)
    {
        if (system.Scheduler is not VirtualTimeScheduler scheduler)
            throw new ConfigurationException("The simulation mailbox needs the virtual-time scheduler (create the system with Simulator.CreateSystem).");
        return new SimulationMessageQueue(owner, scheduler.Simulator);
    }
}
