using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace Virtsim.Bench.Actors;

/// <summary>
/// Fan-out on Akka.NET's default dispatcher (the thread pool, throughput 100): producer threads tell messages round-robin to many receiving actors,
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
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.actor.default-dispatcher.throughput = 100\nakka.loglevel = WARNING"));
        _sinks = Enumerable.Range(0, Receivers).Select(i => _system.ActorOf(Props.Create<CountingSink>(), "sink" + i)).ToArray();
    }

    /// <summary>Stops the actors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    /// <summary>Two producer threads, each telling half the messages.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void FanOut()
    {
        var per = Messages / Receivers;
        using var done = new CountdownEvent(Receivers);
        foreach (var s in _sinks) s.Tell(new CountingSink.Expect(per, done), ActorRefs.NoSender);
        var sinks = _sinks;
        Parallel.For(0, 2, p =>
        {
            var ball = Ball.Instance;
            for (var i = p; i < per * sinks.Length; i += 2) sinks[i % sinks.Length].Tell(ball, ActorRefs.NoSender);
        });
        done.Wait();
    }
}
