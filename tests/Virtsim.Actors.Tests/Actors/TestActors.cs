using Virtsim.Actors.Actors;
using Virtsim.Actors.Patterns;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;

namespace Virtsim.Actors.Tests.Actors;

/// <summary>Replies with whatever it receives.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>A counter whose state shows whether it was restarted or resumed; throws on demand.</summary>
public sealed class CounterActor : ReceiveActor
{
    public sealed record Fail(Exception Cause);
    public sealed record Get;

    private int _count;

    public CounterActor()
    {
        Receive<string>(s => s == "inc", _ => _count++);
        Receive<Get>(_ => Sender.Tell(_count));
        Receive<Fail>(f => throw f.Cause);
    }
}

/// <summary>Reports every lifecycle hook to a probe.</summary>
public sealed class LifecycleActor : ReceiveActor
{
    private readonly IActorRef _report;

    public LifecycleActor(IActorRef report)
    {
        _report = report;
        Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("boom"));
        Receive<string>(s => s == "ping", _ => Sender.Tell("pong"));
    }

    protected override void PreStart() => _report.Tell("PreStart");
    protected override void PostStop() => _report.Tell("PostStop");

    protected override void PreRestart(Exception reason, object? message)
    {
        _report.Tell("PreRestart:" + message);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _report.Tell("PostRestart:" + reason.Message);
        base.PostRestart(reason);
    }
}

/// <summary>A parent that supervises children with a given strategy and creates them on request.</summary>
public sealed class SupervisorActor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public SupervisorActor(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p, "child")));
    }

    protected override SupervisorStrategy SupervisorStrategy => _strategy;
}
