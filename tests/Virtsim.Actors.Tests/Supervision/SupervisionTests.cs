using Virtsim.Actors.Actors;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;
using Virtsim.Actors.Tests.Actors;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Supervision;

public class SupervisionTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    private static (IActorRef Parent, IActorRef Child) Spawn(ActorTestKit kit, TestProbe probe, SupervisorStrategy strategy, Props childProps)
    {
        var parent = kit.ActorOf(Props.Create(() => new SupervisorActor(strategy)), "parent");
        probe.Send(parent, childProps);
        return (parent, probe.ExpectMsg<IActorRef>());
    }

    private static int CountOf(TestProbe probe, IActorRef counter)
    {
        probe.Send(counter, new CounterActor.Get());
        return probe.ExpectMsg<int>();
    }

    [Theory, MemberData(nameof(Both))]
    public void Resume_keeps_the_state(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var (_, child) = Spawn(kit, probe, new OneForOneStrategy(_ => Directive.Resume), Props.Create<CounterActor>());

        child.Tell("inc", null);
        child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);
        child.Tell("inc", null);

        Assert.Equal(2, CountOf(probe, child));
    }

    [Theory, MemberData(nameof(Both))]
    public void Restart_replaces_the_instance_and_keeps_the_ref(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var (_, child) = Spawn(kit, probe, new OneForOneStrategy(_ => Directive.Restart), Props.Create<CounterActor>());

        child.Tell("inc", null);
        child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);
        child.Tell("inc", null);

        Assert.Equal(1, CountOf(probe, child));
    }

    [Theory, MemberData(nameof(Both))]
    public void Stop_stops_the_child(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var (_, child) = Spawn(kit, probe, new OneForOneStrategy(_ => Directive.Stop), Props.Create<CounterActor>());
        probe.Watch(child);

        child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);

        probe.ExpectTerminated(child);
    }

    [Theory, MemberData(nameof(Both))]
    public void Escalate_lets_the_grandparent_decide(DispatcherKind kind)
    {
        // The guardian restarts the parent; the parent's restart stops the failed child.
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var (parent, child) = Spawn(kit, probe, new OneForOneStrategy(_ => Directive.Escalate), Props.Create<CounterActor>());
        probe.Watch(child);
        probe.Watch(parent);

        child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);

        probe.ExpectTerminated(child);
        // The parent survived (restarted by the guardian) and can create a child with the same name again.
        probe.Send(parent, Props.Create<CounterActor>());
        var again = probe.ExpectMsg<IActorRef>();
        Assert.Equal(child.Path, again.Path);
        Assert.NotEqual(child, again);
        Assert.Equal(0, CountOf(probe, again));
    }

    [Theory, MemberData(nameof(Both))]
    public void The_default_strategy_restarts_on_exceptions_and_stops_on_Kill(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var counter = kit.ActorOf(Props.Create<CounterActor>(), "counter");
        probe.Watch(counter);

        counter.Tell("inc", null);
        counter.Tell(new CounterActor.Fail(new InvalidOperationException()), null);
        Assert.Equal(0, CountOf(probe, counter));

        counter.Tell(Kill.Instance, null);
        probe.ExpectTerminated(counter);
    }

    [Theory, MemberData(nameof(Both))]
    public void Too_many_restarts_within_the_window_stop_the_child(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var (_, child) = Spawn(kit, probe, strategy, Props.Create<CounterActor>());
        probe.Watch(child);

        for (var i = 0; i < 2; i++)
        {
            child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);
            Assert.Equal(0, CountOf(probe, child)); // restarted, still alive
        }
        child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);

        probe.ExpectTerminated(child);
    }

    [Fact]
    public void Restarts_spread_over_more_than_the_window_are_allowed()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var probe = kit.CreateProbe();
        var strategy = new OneForOneStrategy(2, TimeSpan.FromSeconds(10), _ => Directive.Restart);
        var (_, child) = Spawn(kit, probe, strategy, Props.Create<CounterActor>());
        probe.Watch(child);

        for (var i = 0; i < 6; i++)
        {
            child.Tell(new CounterActor.Fail(new InvalidOperationException()), null);
            Assert.Equal(0, CountOf(probe, child));
            kit.Simulation!.RunFor(TimeSpan.FromSeconds(6)); // two failures per 10 s window at most
        }
        probe.ExpectNoMsg();
    }

    [Theory, MemberData(nameof(Both))]
    public void A_constructor_failure_stops_the_actor_by_default(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var broken = kit.ActorOf(Props.Create<Broken>(), "broken");
        probe.Watch(broken);

        probe.ExpectTerminated(broken);
    }

    private sealed class Broken : ReceiveActor
    {
        public Broken() => throw new InvalidOperationException("cannot start");
    }
}
