using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Patterns;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tests.Actors;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Actors.Tracing;

namespace Virtsim.Actors.Tests.Dispatch;

public class DispatcherTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    /// <summary>Fails loudly if two threads are ever inside its handler at once.</summary>
    private sealed class Exclusive : ReceiveActor
    {
        private int _inside;
        private long _count;

        public Exclusive()
        {
            Receive<int>(_ =>
            {
                if (Interlocked.Increment(ref _inside) != 1) throw new InvalidOperationException("two messages at once");
                _count++;
                Thread.SpinWait(20);
                Interlocked.Decrement(ref _inside);
            });
            Receive<string>(_ => Sender.Tell(_count));
        }
    }

    [Theory, MemberData(nameof(Both))]
    public void An_actor_processes_one_message_at_a_time_however_many_senders(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind, guardianStrategy: Virtsim.Actors.Supervision.SupervisorStrategy.StoppingStrategy);
        var probe = kit.CreateProbe();
        var actors = Enumerable.Range(0, 4).Select(i => kit.ActorOf(Props.Create<Exclusive>(), "x" + i)).ToArray();
        const int perSender = 5_000;

        void Send()
        {
            for (var i = 0; i < perSender; i++) actors[i % actors.Length].Tell(i, null);
        }
        if (kind == DispatcherKind.Threaded)
        {
            var senders = Enumerable.Range(0, 4).Select(_ => new Thread(Send)).ToList();
            senders.ForEach(t => t.Start());
            senders.ForEach(t => t.Join());
        }
        else
        {
            for (var s = 0; s < 4; s++) Send(); // the simulation takes tells from one thread only
        }

        long total = 0;
        foreach (var a in actors)
        {
            probe.Send(a, "count?");
            total += probe.ExpectMsg<long>();
        }
        Assert.Equal(4 * perSender, total);
    }

    [Fact]
    public void Several_nodes_share_one_simulation()
    {
        var sim = new SimulationDispatcher(seed: 3);
        using var a = ActorSystem.Create("node-a", new ActorSystemOptions { Dispatcher = sim });
        using var b = ActorSystem.Create("node-b", new ActorSystemOptions { Dispatcher = sim });
        var trace = new TraceRecorder();
        a.AddTrace(trace);
        b.AddTrace(trace);
        var echo = b.ActorOf(Props.Create<EchoActor>(), "echo");
        var reply = a.ActorOf(Props.Create<Recorder>(), "client");

        echo.Tell("over the fence", reply);
        sim.RunUntilIdle();

        Assert.Equal(
            ["virtsim://node-a/user/client -> virtsim://node-b/user/echo", "virtsim://node-b/user/echo -> virtsim://node-a/user/client"],
            trace.Entries.Select(e => $"{e.SenderPath} -> {e.ReceiverPath}"));
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder() => ReceiveAny(_ => { });
    }

    [Fact]
    public void The_trace_can_be_observed_on_the_event_stream()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var seen = new List<MessageDelivered>();
        kit.System.EventStream.Subscribe<MessageDelivered>(seen.Add);
        kit.System.AddTrace(new EventStreamTrace(kit.System.EventStream));
        var echo = kit.ActorOf(Props.Create<EchoActor>(), "echo");
        var probe = kit.CreateProbe("probe");

        probe.Send(echo, "hi");
        probe.ExpectMsg("hi");

        Assert.Contains(seen, d => d.Receiver.Equals(echo) && "hi".Equals(d.Message) && probe.Ref.Equals(d.Sender));
        Assert.Contains(seen, d => d.Receiver.Equals(probe.Ref) && "hi".Equals(d.Message) && echo.Equals(d.Sender));
    }

    [Fact]
    public void RunUntil_stops_as_soon_as_the_condition_holds_and_reports_a_timeout()
    {
        var sim = new SimulationDispatcher(seed: 1);
        var fired = 0;
        sim.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => fired++);

        Assert.True(sim.RunUntil(() => fired == 3));
        Assert.Equal(TimeSpan.FromSeconds(3), sim.Elapsed);
        Assert.False(sim.RunUntil(() => fired == 100, TimeSpan.FromSeconds(10)));
        Assert.Equal(13, fired);
    }
}
