using Virtsim.Actors.Actors;
using Virtsim.Actors.Events;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Patterns;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Actors;

public class MessagingTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    [Theory, MemberData(nameof(Both))]
    public void Tell_reaches_the_actor_and_the_reply_goes_to_the_sender(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>(), "echo");
        var probe = kit.CreateProbe();

        probe.Send(echo, "hello");

        probe.ExpectMsg("hello");
        Assert.Equal(echo, probe.LastSender);
    }

    [Theory, MemberData(nameof(Both))]
    public void Messages_from_one_sender_arrive_in_order(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        var probe = kit.CreateProbe();

        for (var i = 0; i < 1000; i++) probe.Send(echo, i);

        Assert.Equal(Enumerable.Range(0, 1000), probe.ReceiveN<int>(1000));
    }

    [Theory, MemberData(nameof(Both))]
    public void Ask_completes_with_the_reply(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>());

        Assert.Equal("question", kit.Ask<string>(echo, "question"));
    }

    [Theory, MemberData(nameof(Both))]
    public void Ask_times_out_when_nobody_answers(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var silent = kit.CreateProbe("silent");

        var task = silent.Ref.Ask<string>("anyone?", TimeSpan.FromMilliseconds(100), kit.System);

        Assert.Throws<AskTimeoutException>(() => kit.Await(task));
        silent.ExpectMsg("anyone?");
    }

    [Fact]
    public void Ask_timeout_is_measured_in_virtual_time()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var silent = kit.CreateProbe();
        var task = silent.Ref.Ask<string>("anyone?", TimeSpan.FromSeconds(30), kit.System);

        kit.Simulation!.RunFor(TimeSpan.FromSeconds(29));
        Assert.False(task.IsCompleted);
        kit.Simulation.RunFor(TimeSpan.FromSeconds(1));
        Assert.True(task.IsFaulted);
        Assert.IsType<AskTimeoutException>(task.Exception!.InnerException);
    }

    [Theory, MemberData(nameof(Both))]
    public void Ask_fails_with_the_cause_of_a_failure_reply(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>());

        var ex = Assert.Throws<InvalidOperationException>(() =>
            kit.Ask<string>(echo, new StatusFailure(new InvalidOperationException("no disk"))));
        Assert.Equal("no disk", ex.Message);
    }

    [Theory, MemberData(nameof(Both))]
    public void Forward_keeps_the_original_sender(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>(), "echo");
        var relay = kit.ActorOf(Props.Create(() => new Relay(echo)), "relay");
        var probe = kit.CreateProbe();

        probe.Send(relay, "via relay");

        probe.ExpectMsg("via relay");
        Assert.Equal(echo, probe.LastSender);
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(Refs.IActorRef target) => ReceiveAny(m => target.Forward(m, Context));
    }

    [Theory, MemberData(nameof(Both))]
    public void Unhandled_messages_are_published(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var unhandled = kit.Collect<UnhandledMessage>();
        var counter = kit.ActorOf(Props.Create<CounterActor>(), "counter");

        counter.Tell(3.14, null);

        Assert.True(kit.AwaitCondition(() => !unhandled.IsEmpty));
        Assert.True(unhandled.TryPeek(out var u));
        Assert.Equal(3.14, u.Message);
        Assert.Equal(counter, u.Recipient);
    }

    [Theory, MemberData(nameof(Both))]
    public void Messages_to_a_stopped_actor_become_dead_letters(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var dead = kit.Collect<DeadLetter>();
        var echo = kit.ActorOf(Props.Create<EchoActor>(), "echo");
        var probe = kit.CreateProbe();
        probe.Watch(echo);

        kit.System.Stop(echo);
        probe.ExpectTerminated(echo);
        echo.Tell("too late", probe.Ref);

        Assert.True(kit.AwaitCondition(() => dead.Any(d => "too late".Equals(d.Message))));
        var letter = dead.First(d => "too late".Equals(d.Message));
        Assert.Equal(probe.Ref, letter.Sender);
        Assert.Equal(echo, letter.Recipient);
    }

    [Theory, MemberData(nameof(Both))]
    public void Become_swaps_the_behavior(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var toggle = kit.ActorOf(Props.Create<Toggle>());
        var probe = kit.CreateProbe();

        probe.Send(toggle, "x");
        probe.ExpectMsg("off");
        probe.Send(toggle, "flip");
        probe.Send(toggle, "x");
        probe.ExpectMsg("on");
    }

    private sealed class Toggle : ReceiveActor
    {
        public Toggle() => Off();

        private void Off()
        {
            Receive<string>(s => s == "flip", _ => Become(On));
            Receive<string>(_ => Sender.Tell("off"));
        }

        private void On() => Receive<string>(_ => Sender.Tell("on"));
    }

    [Theory, MemberData(nameof(Both))]
    public void PoisonPill_stops_after_the_messages_before_it(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var echo = kit.ActorOf(Props.Create<EchoActor>());
        var probe = kit.CreateProbe();
        probe.Watch(echo);

        probe.Send(echo, 1);
        probe.Send(echo, 2);
        probe.Send(echo, PoisonPill.Instance);
        probe.Send(echo, 3);

        probe.ExpectMsg(1);
        probe.ExpectMsg(2);
        probe.ExpectTerminated(echo);
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Actors_cannot_be_created_with_new()
    {
        Assert.Throws<InvalidOperationException>(() => new EchoActor());
    }
}
