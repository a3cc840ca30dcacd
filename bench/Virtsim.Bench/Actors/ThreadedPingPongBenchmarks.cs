using Akka.Actor;
using Akka.Configuration;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Virtsim.Bench.Actors;

/// <summary>
/// Ping-pong pairs on Akka.NET's default dispatcher (the thread pool, throughput 100) next to the same exchange over raw System.Threading.Channels (two
/// async tasks per pair). One operation is one delivered message, so messages/s = 1e9 / (ns per op).
/// </summary>
[MemoryDiagnoser]
public class ThreadedPingPongBenchmarks
{
    private const int MessagesPerPair = 1_000_000; // received by the pinger; as many again by the ponger

    private ActorSystem _system = null!;
    private (IActorRef Ping, IActorRef Pong)[] _pairs = [];

    /// <summary>Independent ping-pong pairs.</summary>
    [Params(1, 8)]
    public int Pairs { get; set; }

    /// <summary>Balls in flight per pair.</summary>
    [Params(1, 100)]
    public int InFlight { get; set; }

    /// <summary>Creates the actors once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.actor.default-dispatcher.throughput = 100\nakka.loglevel = WARNING"));
        _pairs = Enumerable.Range(0, Pairs)
            .Select(i => (_system.ActorOf(Props.Create<Pinger>(), "ping" + i), _system.ActorOf(Props.Create<Ponger>(), "pong" + i)))
            .ToArray();
    }

    /// <summary>Stops the actors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    /// <summary>Akka.NET actors.</summary>
    [Benchmark(OperationsPerInvoke = 2 * MessagesPerPair)]
    public void Actors()
    {
        using var done = new CountdownEvent(Pairs);
        foreach (var (ping, pong) in _pairs) ping.Tell(new PingStart(pong, InFlight, MessagesPerPair / Pairs, done), ActorRefs.NoSender);
        done.Wait();
    }

    /// <summary>The baseline: the same exchange over unbounded single-reader channels.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * MessagesPerPair)]
    public void RawChannels()
    {
        var tasks = new Task[Pairs * 2];
        var per = MessagesPerPair / Pairs;
        for (var p = 0; p < Pairs; p++)
        {
            var toPong = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            var toPing = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            tasks[2 * p] = Task.Run(() => Ping(toPing.Reader, toPong.Writer, per, InFlight));
            tasks[2 * p + 1] = Task.Run(() => Pong(toPong.Reader, toPing.Writer));
        }
        Task.WaitAll(tasks);
    }

    private static async Task Ping(ChannelReader<object> inbox, ChannelWriter<object> partner, int messages, int inFlight)
    {
        for (var i = 0; i < inFlight; i++) partner.TryWrite(Ball.Instance);
        var remaining = messages;
        while (await inbox.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inbox.TryRead(out var ball))
            {
                var left = --remaining;
                if (left == 0)
                {
                    partner.Complete();
                    return;
                }
                if (left >= inFlight) partner.TryWrite(ball);
            }
        }
    }

    private static async Task Pong(ChannelReader<object> inbox, ChannelWriter<object> partner)
    {
        while (await inbox.WaitToReadAsync().ConfigureAwait(false))
            while (inbox.TryRead(out var ball)) partner.TryWrite(ball);
    }
}
