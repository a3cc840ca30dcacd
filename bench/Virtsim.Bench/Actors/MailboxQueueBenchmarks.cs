using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Refs;

namespace Virtsim.Bench.Actors;

/// <summary>
/// The mailbox queue choice, measured: the engine's MPSC ring segments against ConcurrentQueue and an unbounded
/// single-reader Channel, enqueuing then draining batches of envelopes on one thread (the uncontended cost).
/// </summary>
[MemoryDiagnoser]
public class MailboxQueueBenchmarks
{
    private const int Batch = 64;
    private readonly MpscQueue<Envelope> _mpsc = new();
    private readonly ConcurrentQueue<Envelope> _concurrent = new();
    private readonly Channel<Envelope> _channel = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Envelope _item = new(Ball.Instance, null);

    /// <summary>Virtsim's queue.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int Mpsc()
    {
        for (var i = 0; i < Batch; i++) _mpsc.Enqueue(_item);
        var n = 0;
        while (_mpsc.TryDequeue(out _)) n++;
        return n;
    }

    /// <summary>System.Collections.Concurrent.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int ConcurrentQueue()
    {
        for (var i = 0; i < Batch; i++) _concurrent.Enqueue(_item);
        var n = 0;
        while (_concurrent.TryDequeue(out _)) n++;
        return n;
    }

    /// <summary>System.Threading.Channels.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int UnboundedChannel()
    {
        for (var i = 0; i < Batch; i++) _channel.Writer.TryWrite(_item);
        var n = 0;
        while (_channel.Reader.TryRead(out _)) n++;
        return n;
    }
}
