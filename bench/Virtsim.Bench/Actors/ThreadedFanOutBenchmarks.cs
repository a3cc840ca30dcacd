using BenchmarkDotNet.Attributes;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Refs;

namespace Virtsim.Bench.Actors;

/// <summary>
/// Fan-out on the threaded dispatcher: producer threads tell messages round-robin to many receiving actors,
/// which count them. One operation is one delivered message.
/// </summary>
[MemoryDiagnoser]
public class ThreadedFanOutBenchmarks
{
    private const int Messages = 2_000_000;

    private ActorSystem _system = null!;
    private IActorRef[] _sinks = [];

    /// <summary>Receiving actors.</summary>
    [Params(16)]
    public int Receivers { get; set; }

    /// <summary>Creates the actors once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", new ActorSystemOptions { Dispatcher = new ThreadedDispatcher(throughput: 100) });
        _sinks = Enumerable.Range(0, Receivers).Select(i => _system.ActorOf(Props.Create<CountingSink>(), "sink" + i)).ToArray();
    }

    /// <summary>Stops the actors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _system.Dispose();

    /// <summary>Two producer threads, each telling half the messages.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void FanOut()
    {
        var per = Messages / Receivers;
        using var done = new CountdownEvent(Receivers);
        foreach (var s in _sinks) s.Tell(new CountingSink.Expect(per, done), null);
        var sinks = _sinks;
        Parallel.For(0, 2, p =>
        {
            var ball = Ball.Instance;
            for (var i = p; i < per * sinks.Length; i += 2) sinks[i % sinks.Length].Tell(ball, null);
        });
        done.Wait();
    }
}
