using BenchmarkDotNet.Attributes;
using Virtsim.Virtio.Queues;

namespace Virtsim.Bench.Queues;

/// <summary>
/// Chains per second through driver side and device side together: the driver adds a batch of
/// request-shaped chains (16-byte header readable, 512-byte data writable, 1-byte status writable),
/// publishes, the device pops and completes them all, publishes, and the driver takes them back.
/// </summary>
[MemoryDiagnoser]
public class QueueThroughputBenchmarks
{
    private const int Batch = 64;
    private RingPair _pair = null!;
    private readonly BufferSegment[] _segments = new BufferSegment[3];
    private readonly DescriptorChain[] _popped = new DescriptorChain[Batch];

    /// <summary>Ring format.</summary>
    [Params(QueueFormat.Split, QueueFormat.Packed)]
    public QueueFormat Format { get; set; }

    /// <summary>VIRTIO_F_IN_ORDER negotiated.</summary>
    [Params(false, true)]
    public bool InOrder { get; set; }

    /// <summary>Chains go through indirect tables.</summary>
    [Params(false, true)]
    public bool Indirect { get; set; }

    /// <summary>Builds the ring pair.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pair = new RingPair(Format, 256, InOrder, Indirect);
        _segments[0] = new BufferSegment(RingPair.BufferArea, 16, false);
        _segments[1] = new BufferSegment(RingPair.BufferArea + 0x1000, 512, true);
        _segments[2] = new BufferSegment(RingPair.BufferArea + 0x2000, 1, true);
    }

    /// <summary>One batch of <see cref="Batch"/> chains through both sides.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int AddPopCompleteTake()
    {
        var driver = _pair.Driver;
        var device = _pair.Device;
        for (int i = 0; i < Batch; i++)
            if (!driver.TryAdd(_segments, Indirect, out _)) throw new InvalidOperationException("ring full");
        driver.PublishAvailable();
        int popped = 0;
        while (device.TryPop(out var chain) == PopResult.Popped) _popped[popped++] = chain;
        for (int i = 0; i < popped; i++) device.TryComplete(_popped[i], 513);
        device.PublishUsed();
        int taken = 0;
        while (driver.TryTakeUsed(out _) == TakeResult.Taken) taken++;
        if (taken != Batch) throw new InvalidOperationException($"took {taken} of {Batch}: {device.Error} {driver.Error}");
        return taken;
    }
}
