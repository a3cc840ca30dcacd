using Akka.Actor;
using Virtsim.Simulation.Engine;
using BenchmarkDotNet.Attributes;

namespace Virtsim.Bench.Actors;

/// <summary>
/// The simulator (Virtsim.Simulations plug-ins for Akka.NET) on one thread: ping-pong pairs with a seeded choice of the next actor at every
/// message. One operation is one delivered message.
/// </summary>
[MemoryDiagnoser]
public class SimulationBenchmarks
{
    private const int Messages = 1_000_000;

    private Simulator _sim = null!;
    private ActorSystem _system = null!;
    private (IActorRef Ping, IActorRef Pong)[] _pairs = [];

    /// <summary>Independent ping-pong pairs (more pairs, more choices per step).</summary>
    [Params(1, 16)]
    public int Pairs { get; set; }

    /// <summary>Creates the actors once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sim = new Simulator(seed: 1);
        _system = _sim.CreateSystem("sim");
        _pairs = Enumerable.Range(0, Pairs)
            .Select(i => (_system.ActorOf(Props.Create<Pinger>(), "ping" + i), _system.ActorOf(Props.Create<Ponger>(), "pong" + i)))
            .ToArray();
        _sim.RunUntilIdle();
    }

    /// <summary>Stops the actors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _sim.Dispose();

    /// <summary>Runs every pair to completion with 10 balls in flight each.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Messages)]
    public long PingPong()
    {
        foreach (var (ping, pong) in _pairs) ping.Tell(new PingStart(pong, 10, Messages / Pairs, null), ActorRefs.NoSender);
        return _sim.RunUntilIdle();
    }
}
