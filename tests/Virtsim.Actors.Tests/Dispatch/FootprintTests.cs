using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;

namespace Virtsim.Actors.Tests.Dispatch;

public class FootprintTests
{
    private sealed class Idle : ReceiveActor
    {
        public Idle() => Receive<string>(_ => { });
    }

    [Fact]
    public void An_idle_actor_costs_less_than_one_KiB()
    {
        const int count = 20_000;
        var sim = new SimulationDispatcher(1);
        using var system = ActorSystem.Create("mem", new ActorSystemOptions { Dispatcher = sim });
        var parent = system.ActorOf(Props.Create<Idle>(), "warm");
        sim.RunUntilIdle();

        var before = GC.GetTotalMemory(true);
        var refs = new Refs.IActorRef[count];
        for (var i = 0; i < count; i++) refs[i] = system.ActorOf(Props.Create<Idle>(), "a" + i);
        sim.RunUntilIdle();
        foreach (var r in refs) r.Tell("hello", null); // each has received a message and gone idle
        sim.RunUntilIdle();
        var after = GC.GetTotalMemory(true);

        var perActor = (after - before) / (double)count;
        Assert.True(perActor < 1024, $"{perActor:F0} bytes per idle actor");
        GC.KeepAlive(refs);
        GC.KeepAlive(parent);
    }
}
