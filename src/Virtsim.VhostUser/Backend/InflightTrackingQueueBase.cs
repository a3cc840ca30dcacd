using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The part the split and packed in-flight tracking queues share: an <see cref="IDeviceQueue"/> that forwards
/// everything to the core queue it wraps, except the pop and completion steps the shared in-flight area must record
/// (and, for split rings, publication).
/// </summary>
public abstract class InflightTrackingQueueBase : IDeviceQueue
{
    private readonly IDeviceQueue _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected InflightTrackingQueueBase(IDeviceQueue inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public QueueFormat Format => _inner.Format;

    /// <inheritdoc />
    public QueueConfig Config => _inner.Config;

    /// <inheritdoc />
    public DeviceMemory Memory => _inner.Memory;

    /// <inheritdoc />
    public QueueError Error => _inner.Error;

    /// <inheritdoc />
    public int InFlightCount => _inner.InFlightCount;

    /// <inheritdoc />
    public IReadOnlyList<DescriptorChain> InFlight => _inner.InFlight;

    /// <inheritdoc />
    public abstract PopResult TryPop(out DescriptorChain chain);

    /// <inheritdoc />
    public abstract bool TryComplete(DescriptorChain chain, uint writtenLength);

    /// <inheritdoc />
    public virtual bool PublishUsed() => _inner.PublishUsed();

    /// <inheritdoc />
    public void SetNotifications(bool enabled) => _inner.SetNotifications(enabled);

    /// <inheritdoc />
    public bool HasAvailable() => _inner.HasAvailable();

    /// <inheritdoc />
    public void OnNotificationData(uint data) => _inner.OnNotificationData(data);

    /// <inheritdoc />
    public QueueState SaveState() => _inner.SaveState();

    /// <inheritdoc />
    public void Reset() => _inner.Reset();
}
