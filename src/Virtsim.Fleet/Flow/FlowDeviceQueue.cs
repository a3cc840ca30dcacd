using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Flow;

/// <summary>
/// The device side of a virtqueue at <see cref="Fidelity.Flow"/>: the queue the driver set up (its configuration
/// registers and negotiated features) and its positions, with no ring in guest memory. Every request the driver hands
/// over counts as one chain made available and popped (<see cref="Accept"/>), every completion as one used
/// (<see cref="Complete"/>); the positions advance as a split ring's indices (16 bits, wrapping) or a packed ring's
/// slot and wrap counter would, so <see cref="SaveState"/> gives the plain <see cref="QueueState"/> a ring queue
/// gives, and migration moves it the same way. Receive buffers the driver posted (<see cref="Post"/>) are chains the
/// device popped and has not used: they are the state's in-flight buffers (id, address, length), so a destination
/// device gets them as a ring device finds them in the ring. The ring operations find nothing: nothing is read from
/// guest memory.
/// </summary>
public sealed class FlowDeviceQueue : IDeviceQueue
{
    private ushort _nextAvail, _nextUsed, _signalledUsed;
    private bool _availWrap = true, _usedWrap = true, _signalledWrap = true, _notifications = true;
    private int _inFlight;
    private readonly Queue<InFlightBuffer> _posted = new();

    /// <summary>Creates the queue the driver enabled (a <see cref="DeviceQueueFactory"/>).</summary>
    public FlowDeviceQueue(QueueConfig config, DeviceMemory memory)
    {
        Config = config;
        Memory = memory ?? throw new ArgumentNullException(nameof(memory));
    }

    /// <summary>The <see cref="DeviceQueueFactory"/> of flow devices.</summary>
    public static IDeviceQueue Create(QueueConfig config, DeviceMemory memory) => new FlowDeviceQueue(config, memory);

    /// <summary>
    /// Rebuilds a flow queue from saved state (a migration's destination). Its in-flight buffers are posted receive
    /// buffers (a flow device finishes every request it booked before it saves), taken again in their order.
    /// </summary>
    /// <exception cref="ArgumentException">An in-flight buffer is not one writable segment.</exception>
    public static IDeviceQueue Restore(QueueState state, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.InFlight.Any(b => b.Segments.Length != 1 || !b.Segments[0].IsWritable))
            throw new ArgumentException("a flow queue's in-flight buffers are posted receive buffers (one writable segment each)", nameof(state));
        var queue = new FlowDeviceQueue(state.Config, memory)
        {
            _nextAvail = state.NextAvail,
            _availWrap = state.AvailWrapCounter,
            _nextUsed = state.NextUsed,
            _usedWrap = state.UsedWrapCounter,
            _signalledUsed = state.SignalledUsed,
            _signalledWrap = state.SignalledUsedWrap,
            _notifications = state.NotificationsEnabled,
            _inFlight = state.InFlight.Length,
        };
        foreach (var b in state.InFlight) queue._posted.Enqueue(b);
        return queue;
    }

    /// <summary>The driver posted a receive buffer: one chain made available and popped, held until a frame fills it.</summary>
    public void Post(ushort id, ulong address, uint length)
    {
        Accept();
        _posted.Enqueue(new InFlightBuffer(id, 1, false, [new ChainSegment(address, length, true)]));
    }

    /// <summary>Takes the oldest posted receive buffer (its <see cref="Complete"/> follows once it is filled).</summary>
    public bool TryTakePosted(out InFlightBuffer buffer) => _posted.TryDequeue(out buffer!);

    /// <inheritdoc />
    public QueueFormat Format => Config.Format;

    /// <inheritdoc />
    public QueueConfig Config { get; }

    /// <inheritdoc />
    public DeviceMemory Memory { get; }

    /// <inheritdoc />
    public QueueError Error => QueueError.None;

    /// <inheritdoc />
    public int InFlightCount => _inFlight;

    /// <inheritdoc />
    public IReadOnlyList<DescriptorChain> InFlight => [];

    /// <summary>The driver handed over one request: one chain made available and popped.</summary>
    public void Accept()
    {
        Advance(ref _nextAvail, ref _availWrap);
        _inFlight++;
    }

    /// <summary>One request completed: one used entry published (and signalled: the completion event is the interrupt).</summary>
    public void Complete()
    {
        if (_inFlight == 0) throw new InvalidOperationException("no request in flight");
        Advance(ref _nextUsed, ref _usedWrap);
        _inFlight--;
        _signalledUsed = _nextUsed;
        _signalledWrap = _usedWrap;
    }

    private void Advance(ref ushort position, ref bool wrap)
    {
        if (Config.Format == QueueFormat.Split)
        {
            position++;
            return;
        }
        if (++position < Config.Size) return;
        position = 0;
        wrap = !wrap;
    }

    /// <inheritdoc />
    public PopResult TryPop(out DescriptorChain chain)
    {
        chain = null!;
        return PopResult.Empty;
    }

    /// <inheritdoc />
    public bool TryComplete(DescriptorChain chain, uint writtenLength) => false;

    /// <inheritdoc />
    public bool PublishUsed() => false;

    /// <inheritdoc />
    public void SetNotifications(bool enabled) => _notifications = enabled;

    /// <inheritdoc />
    public bool HasAvailable() => false;

    /// <inheritdoc />
    public void OnNotificationData(uint data) { }

    /// <inheritdoc />
    public QueueState SaveState() => new()
    {
        Config = Config,
        NextAvail = _nextAvail,
        AvailWrapCounter = _availWrap,
        NextUsed = _nextUsed,
        UsedWrapCounter = _usedWrap,
        SignalledUsed = _signalledUsed,
        SignalledUsedWrap = _signalledWrap,
        NotificationsEnabled = _notifications,
        InFlight = [.. _posted],
    };

    /// <inheritdoc />
    public void Reset()
    {
        _nextAvail = _nextUsed = _signalledUsed = 0;
        _availWrap = _usedWrap = _signalledWrap = _notifications = true;
        _inFlight = 0;
        _posted.Clear();
    }
}
