using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Devices;

/// <summary>
/// A stand-in device queue: hands out chains built by hand, records completions and publishes.
/// It can be told to report a broken ring after a number of pops.
/// </summary>
internal sealed class FakeDeviceQueue : IDeviceQueue
{
    private readonly Queue<DescriptorChain> _available = new();
    private readonly List<DescriptorChain> _inFlight = new();
    private int _unpublished;

    public FakeDeviceQueue(GuestMemory memory) => Memory = new DeviceMemory(memory);

    public List<(DescriptorChain Chain, uint Length)> Completed { get; } = new();
    public int PublishCount { get; private set; }
    public int? BreakAfterPops { get; set; }
    private int _pops;

    public QueueFormat Format => QueueFormat.Split;
    public QueueConfig Config => new(QueueFormat.Split, 256, 0, 0, 0, FeatureSet.None);
    public DeviceMemory Memory { get; }
    public QueueError Error { get; private set; }
    public int InFlightCount => _inFlight.Count;
    public IReadOnlyList<DescriptorChain> InFlight => _inFlight;

    public void Add(DescriptorChain chain) => _available.Enqueue(chain);

    public int AvailableCount => _available.Count;

    public PopResult TryPop(out DescriptorChain chain)
    {
        chain = null!;
        if (Error.IsError) return PopResult.Broken;
        if (BreakAfterPops is int limit && _pops >= limit)
        {
            Error = new QueueError(QueueErrorKind.ChainLoop, 3);
            return PopResult.Broken;
        }
        if (!_available.TryDequeue(out var next)) return PopResult.Empty;
        _pops++;
        _inFlight.Add(next);
        chain = next;
        return PopResult.Popped;
    }

    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        if (!_inFlight.Remove(chain)) throw new InvalidOperationException("completed a chain that is not in flight");
        if (writtenLength > chain.WritableLength) throw new InvalidOperationException($"used length {writtenLength} > writable {chain.WritableLength}");
        Completed.Add((chain, writtenLength));
        _unpublished++;
        return true;
    }

    public bool PublishUsed()
    {
        PublishCount++;
        bool interrupt = _unpublished > 0;
        _unpublished = 0;
        return interrupt;
    }

    public void SetNotifications(bool enabled) { }
    public bool HasAvailable() => _available.Count > 0;
    public void OnNotificationData(uint data) { }
    public QueueState SaveState() => new() { Config = Config };
    public void Reset() { _available.Clear(); _inFlight.Clear(); Error = QueueError.None; }
}
