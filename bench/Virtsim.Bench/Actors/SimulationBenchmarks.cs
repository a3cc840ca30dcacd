using BenchmarkDotNet.Attributes;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Refs;

namespace Virtsim.Bench.Actors;

/// <summary>
/// The simulation dispatcher on one thread: ping-pong pairs with a seeded choice of the next actor at every
/// message. One operation is one delivered message.
/// </summary>
[MemoryDiagnoser]
public class SimulationBenchmarks
{
    private const int Messages = 1_000_000;

    private SimulationDispatcher _sim = null!;
    private ActorSystem _system = null!;
    private (IActorRef Ping, IActorRef Pong)[] _pairs = [];

    /// <summary>Independent ping-pong pairs (more pairs, more choices per step).</summary>
    [Params(1, 16)]
    public int Pairs { get; set; }

    /// <summary>Creates the actors once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sim = new SimulationDispatcher(seed: 1);
        _system = ActorSystem.Create("sim", new ActorSystemOptions { Dispatcher = _sim });
        _pairs = Enumerable.Range(0, Pairs)
            .Select(i => (_system.ActorOf(Props.Create<Pinger>(), "ping" + i), _system.ActorOf(Props.Create<Ponger>(), "pong" + i)))
            .ToArray();
        _sim.RunUntilIdle();
    }

    /// <summary>Stops the actors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _system.Dispose();

    /// <summary>Runs every pair to completion with 10 balls in flight each.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Messages)]
    public long PingPong()
    {
        foreach (var (ping, pong) in _pairs) ping.Tell(new PingStart(pong, 10, Messages / Pairs, null), null);
        return _sim.RunUntilIdle();
    }
}
