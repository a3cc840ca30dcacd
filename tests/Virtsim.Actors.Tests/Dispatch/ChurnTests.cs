using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Tests.Actors;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Dispatch;

public class ChurnTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    /// <summary>A parent of a few children that fail now and then while messages keep flowing.</summary>
    private sealed class Flaky : ReceiveActor
    {
        public Flaky()
        {
            for (var i = 0; i < 3; i++) Context.ActorOf(Props.Create<CounterActor>(), "c" + i);
            Receive<int>(n =>
            {
                var children = Context.Children;
                if (children.Count == 0) return;
                var child = children[n % children.Count];
                child.Tell(n % 5 == 0 ? new CounterActor.Fail(new InvalidOperationException()) : "inc", Self);
                if (n % 17 == 0) throw new InvalidOperationException("parent hiccup");
            });
        }
    }

    [Theory, MemberData(nameof(Both))]
    public void Every_watched_actor_is_reported_once_under_churn(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var actors = Enumerable.Range(0, 60).Select(i => kit.ActorOf(Props.Create<Flaky>(), "f" + i)).ToArray();
        foreach (var a in actors) probe.Watch(a);

        void Traffic()
        {
            for (var n = 0; n < 3000; n++) actors[n % actors.Length].Tell(n, null);
        }
        if (kind == DispatcherKind.Threaded)
        {
            var senders = Enumerable.Range(0, 3).Select(_ => new Thread(Traffic)).ToList();
            senders.ForEach(t => t.Start());
            for (var i = 0; i < actors.Length; i++)
            {
                object stop = (i % 3) switch { 0 => PoisonPill.Instance, 1 => Kill.Instance, _ => "stop" };
                if (stop is string) kit.System.Stop(actors[i]);
                else actors[i].Tell(stop, null);
            }
            senders.ForEach(t => t.Join());
        }
        else
        {
            Traffic();
            for (var i = 0; i < actors.Length; i++)
            {
                if (i % 2 == 0) kit.System.Stop(actors[i]);
                else actors[i].Tell(PoisonPill.Instance, null);
                kit.Simulation!.RunFor(TimeSpan.FromMilliseconds(1));
            }
        }

        var terminated = probe.ReceiveN<Terminated>(actors.Length).Select(t => t.Actor).ToHashSet();
        Assert.Equal(actors.ToHashSet(), terminated);
        probe.ExpectNoMsg();
    }

    [Fact]
    public void The_simulation_refuses_tells_from_another_thread_while_it_runs()
    {
        var sim = new SimulationDispatcher(seed: 1);
        using var system = ActorSystem.Create("n", new ActorSystemOptions { Dispatcher = sim });
        var target = system.ActorOf(Props.Create<EchoActor>(), "target");
        Exception? seen = null;
        var trigger = system.ActorOf(Props.Create(() => new CrossThread(target, e => seen = e)), "trigger");
        sim.RunUntilIdle(); // the target is idle: a tell must schedule it, which is where the check sits

        trigger.Tell("go", null);
        sim.RunUntilIdle();

        Assert.IsType<InvalidOperationException>(seen);
    }

    private sealed class CrossThread : ReceiveActor
    {
        public CrossThread(IActorRef target, Action<Exception?> report) =>
            Receive<string>(_ =>
            {
                var other = new Thread(() =>
                {
                    try
                    {
                        target.Tell("from elsewhere", null);
                        report(null);
                    }
                    catch (Exception ex)
                    {
                        report(ex);
                    }
                });
                other.Start();
                other.Join(); // the simulation is running on this thread meanwhile
            });
    }
}
