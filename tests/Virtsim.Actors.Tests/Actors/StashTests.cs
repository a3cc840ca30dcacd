using Virtsim.Actors.Actors;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Actors;

public class StashTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    /// <summary>Stashes work until it is "open", then handles it in arrival order.</summary>
    private sealed class Gate : ReceiveActor
    {
        public Gate(IActorRef report)
        {
            Become(() =>
            {
                Receive<string>(s => s == "open", _ =>
                {
                    Become(() => Receive<int>(i => report.Tell(i, Self)));
                    Stash.UnstashAll();
                });
                Receive<int>(_ => Stash.Stash());
            });
        }
    }

    [Theory, MemberData(nameof(Both))]
    public void Unstashed_messages_come_back_in_order_before_newer_ones(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var gate = kit.ActorOf(Props.Create(() => new Gate(probe.Ref)));

        for (var i = 0; i < 5; i++) gate.Tell(i, null);
        gate.Tell("open", null);
        for (var i = 5; i < 10; i++) gate.Tell(i, null);

        Assert.Equal(Enumerable.Range(0, 10), probe.ReceiveN<int>(10));
    }

    [Theory, MemberData(nameof(Both))]
    public void Stashed_messages_become_dead_letters_when_the_actor_stops(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var dead = kit.Collect<Virtsim.Actors.Events.DeadLetter>();
        var probe = kit.CreateProbe();
        var gate = kit.ActorOf(Props.Create(() => new Gate(probe.Ref)));

        gate.Tell(1, null);
        gate.Tell(2, null);
        gate.Tell(Messages.PoisonPill.Instance, null);

        Assert.True(kit.AwaitCondition(() => dead.Count == 2));
        Assert.Equal([1, 2], dead.Select(d => (int)d.Message));
        probe.ExpectNoMsg();
    }

    [Theory, MemberData(nameof(Both))]
    public void Stashed_messages_come_back_after_a_restart(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var gate = kit.ActorOf(Props.Create(() => new FailingGate(probe.Ref)));

        gate.Tell(1, null);
        gate.Tell(2, null);
        gate.Tell("fail", null); // restarted by the default strategy; the stash goes back to the mailbox front
        gate.Tell("open", null);

        Assert.Equal([1, 2], probe.ReceiveN<int>(2));
    }

    private sealed class FailingGate : ReceiveActor
    {
        public FailingGate(IActorRef report)
        {
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException());
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => Receive<int>(i => report.Tell(i, Self)));
                Stash.UnstashAll();
            });
            Receive<int>(_ => Stash.Stash());
        }
    }
}
