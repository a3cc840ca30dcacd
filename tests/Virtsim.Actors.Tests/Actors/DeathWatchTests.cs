using Virtsim.Actors.Actors;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Actors;

public class DeathWatchTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    [Theory, MemberData(nameof(Both))]
    public void A_watcher_hears_Terminated_when_the_actor_stops(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        probe.Watch(echo);

        kit.System.Stop(echo);

        var t = probe.ExpectTerminated(echo);
        Assert.Equal(echo, probe.LastSender);
        Assert.Equal(echo, t.Actor);
    }

    [Theory, MemberData(nameof(Both))]
    public void Terminated_arrives_after_the_messages_the_actor_sent_before_stopping(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        probe.Watch(echo);

        for (var i = 0; i < 100; i++) probe.Send(echo, i);
        echo.Tell(Messages.PoisonPill.Instance, null);

        Assert.Equal(Enumerable.Range(0, 100), probe.ReceiveN<int>(100));
        probe.ExpectTerminated(echo);
    }

    [Theory, MemberData(nameof(Both))]
    public void Unwatch_cancels_the_notification(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        probe.Watch(echo);
        probe.Unwatch(echo);
        // Make sure the unwatch is processed before the stop (threaded: a round trip through the probe).
        probe.Send(echo, "sync");
        probe.ExpectMsg("sync");

        kit.System.Stop(echo);

        probe.ExpectNoMsg();
    }

    [Theory, MemberData(nameof(Both))]
    public void Watching_an_actor_that_is_gone_delivers_Terminated_at_once(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var first = kit.CreateProbe();
        var later = kit.CreateProbe();
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        first.Watch(echo);
        kit.System.Stop(echo);
        first.ExpectTerminated(echo);

        later.Watch(echo);

        later.ExpectTerminated(echo);
    }
}
