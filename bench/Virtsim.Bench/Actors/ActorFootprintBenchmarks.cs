using Akka.Actor;
using Virtsim.Simulation.Engine;
using BenchmarkDotNet.Attributes;

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

    private Simulator _sim = null!;
    private ActorSystem _system = null!;
    private int _round;

    /// <summary>A fresh simulated system per iteration so names stay unique.</summary>
    [IterationSetup]
    public void Setup()
    {
        _sim?.Dispose();
        _sim = new Simulator(seed: 1);
        _system = _sim.CreateSystem("mem");
        _sim.RunUntilIdle();
        _round++;
    }

    /// <summary>Spawns idle actors that each received one message.</summary>
    [Benchmark(OperationsPerInvoke = Actors)]
    public void SpawnIdleActors()
    {
        for (var i = 0; i < Actors; i++) _system.ActorOf(Props.Create<Ponger>(), "a" + i).Tell(Ball.Instance, ActorRefs.NoSender);
        _sim.RunUntilIdle();
    }
}
