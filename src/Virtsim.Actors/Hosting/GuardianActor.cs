using Virtsim.Actors.Actors;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Hosting;

/// <summary>The root ("/") and user ("/user") guardians: they only supervise.</summary>
internal sealed class GuardianActor(SupervisorStrategy strategy) : ActorBase
{
    protected override bool OnReceive(object message) => false;

    protected override SupervisorStrategy SupervisorStrategy => strategy;

    protected override void PreRestart(Exception reason, object? message) { } // keep the children
}
