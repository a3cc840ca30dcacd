using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Events;

public class EventStreamTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    private record Alarm(string Text);
    private sealed record FireAlarm(string Text) : Alarm(Text);

    [Theory, MemberData(nameof(Both))]
    public void Actor_subscribers_receive_events_of_their_type_and_subtypes(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        kit.System.EventStream.Subscribe<Alarm>(probe.Ref);

        kit.System.EventStream.Publish("not an alarm");
        kit.System.EventStream.Publish(new Alarm("smoke"));
        kit.System.EventStream.Publish(new FireAlarm("fire"));

        probe.ExpectMsg<Alarm>(where: a => a.Text == "smoke");
        probe.ExpectMsg<FireAlarm>();
        probe.ExpectNoMsg();
    }

    [Theory, MemberData(nameof(Both))]
    public void Unsubscribed_actors_hear_nothing_more(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        kit.System.EventStream.Subscribe<Alarm>(probe.Ref);
        kit.System.EventStream.Unsubscribe(probe.Ref);

        kit.System.EventStream.Publish(new Alarm("smoke"));

        probe.ExpectNoMsg();
    }

    [Fact]
    public void Callback_subscriptions_are_synchronous_and_disposable()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var seen = new List<string>();
        var sub = kit.System.EventStream.Subscribe<Alarm>(a => seen.Add(a.Text));

        kit.System.EventStream.Publish(new Alarm("one"));
        sub.Dispose();
        kit.System.EventStream.Publish(new Alarm("two"));

        Assert.Equal(["one"], seen);
        Assert.False(kit.System.EventStream.HasSubscribers(typeof(Alarm)));
    }
}
