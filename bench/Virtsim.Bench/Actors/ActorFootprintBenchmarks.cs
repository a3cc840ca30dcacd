using BenchmarkDotNet.Attributes;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;

namespace Virtsim.Bench.Actors;

/// <summary>
/// What an idle actor costs: spawning it, running its start and one message, then leaving it idle. The
/// "Allocated" column is bytes per actor (one operation = one actor); everything allocated stays reachable
/// except the transient start message, so it bounds the retained size from above.
/// </summary>
[MemoryDiagnoser]
public class ActorFootprintBenchmarks
{
    private const int Actors = 10_000;

    private SimulationDispatcher _sim = null!;
    private ActorSystem _system = null!;
    private int _round;

    /// <summary>A fresh simulated system per iteration so names stay unique.</summary>
    [IterationSetup]
    public void Setup()
    {
        _sim = new SimulationDispatcher(seed: 1);
        _system = ActorSystem.Create("mem", new ActorSystemOptions { Dispatcher = _sim });
        _sim.RunUntilIdle();
        _round++;
    }

    /// <summary>Spawns idle actors that each received one message.</summary>
    [Benchmark(OperationsPerInvoke = Actors)]
    public void SpawnIdleActors()
    {
        for (var i = 0; i < Actors; i++) _system.ActorOf(Props.Create<Ponger>(), "a" + i).Tell(Ball.Instance, null);
        _sim.RunUntilIdle();
    }
}
