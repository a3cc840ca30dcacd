using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices;

/// <summary>
/// Common ground for device types that serve requests chain by chain: feature bookkeeping, the
/// <see cref="ConfigChanged"/> event, config reads from a byte image, and the pop / handle / complete / publish
/// loop every queue doorbell runs.
/// </summary>
public abstract class RequestDeviceBase : IDeviceHandler
{
    /// <summary>The ring features every device type here offers by default: VERSION_1, INDIRECT_DESC, EVENT_IDX, RING_PACKED, IN_ORDER.</summary>
    public static FeatureSet DefaultRingFeatures { get; } = FeatureSet.Of(
        FeatureBit.Version1, FeatureBit.IndirectDesc, FeatureBit.EventIdx, FeatureBit.RingPacked, FeatureBit.InOrder);

    /// <summary>
    /// What a <see cref="ChainHandler"/> returns for a request that breaks the device type's rules in a way no status can
    /// report: <see cref="ServeAll"/> then leaves it uncompleted and reports the ring broken (<see cref="QueueErrorKind.MalformedRequest"/>).
    /// </summary>
    protected const uint RejectRequest = uint.MaxValue;

    /// <summary>Handles one popped chain and returns how many bytes it wrote into the chain's writable part (or <see cref="RejectRequest"/>).</summary>
    protected delegate uint ChainHandler(DescriptorChain chain, DeviceMemory memory);

    /// <summary>Creates the base with the features the device offers.</summary>
    protected RequestDeviceBase(FeatureSet offered)
    {
        OfferedFeatures = offered;
        Negotiated = offered;
    }

    /// <inheritdoc />
    public abstract DeviceType Type { get; }

    /// <inheritdoc />
    public FeatureSet OfferedFeatures { get; }

    /// <summary>
    /// The features in force: the set last accepted by <see cref="ValidateFeatures"/> or given to <see cref="Activate"/>
    /// (the offer until then).
    /// </summary>
    public FeatureSet Negotiated { get; private set; }

    /// <summary>True once <see cref="Activate"/> ran (until <see cref="Reset"/>).</summary>
    public bool IsActive { get; private set; }

    /// <inheritdoc />
    public abstract int QueueCount { get; }

    /// <inheritdoc />
    public ushort MaxQueueSize { get; init; } = 256;

    /// <inheritdoc />
    public abstract int ConfigSize { get; }

    /// <inheritdoc />
    public event Action? ConfigChanged;

    /// <summary>Writes the current config image (exactly <see cref="ConfigSize"/> bytes) into <paramref name="image"/>.</summary>
    protected abstract void BuildConfig(Span<byte> image);

    /// <inheritdoc />
    public void ReadConfig(int offset, Span<byte> destination)
    {
        destination.Clear();
        if (offset < 0 || offset >= ConfigSize) return;
        Span<byte> image = stackalloc byte[ConfigSize];
        BuildConfig(image);
        int take = Math.Min(destination.Length, ConfigSize - offset);
        image.Slice(offset, take).CopyTo(destination);
    }

    /// <inheritdoc />
    public virtual void WriteConfig(int offset, ReadOnlySpan<byte> source) { }

    /// <inheritdoc />
    public string? ValidateFeatures(FeatureSet accepted)
    {
        if (!accepted.IsSubsetOf(OfferedFeatures)) return $"features {accepted.Except(OfferedFeatures)} were not offered";
        string? reason = CheckFeatures(accepted);
        if (reason == null) OnFeaturesAccepted(accepted);
        return reason;
    }

    /// <summary>Device-type feature dependency checks; null to accept.</summary>
    protected virtual string? CheckFeatures(FeatureSet accepted) => null;

    /// <summary>Called when features were accepted (FEATURES_OK) or activated; the device adopts them.</summary>
    protected virtual void OnFeaturesAccepted(FeatureSet accepted) => Negotiated = accepted;

    /// <inheritdoc />
    public void Activate(FeatureSet negotiated)
    {
        OnFeaturesAccepted(negotiated);
        IsActive = true;
    }

    /// <inheritdoc />
    public abstract QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue);

    /// <inheritdoc />
    public void Reset()
    {
        IsActive = false;
        Negotiated = OfferedFeatures;
        OnReset();
    }

    /// <summary>Returns the device-type state to power-on.</summary>
    protected abstract void OnReset();

    /// <summary>Raises <see cref="ConfigChanged"/>.</summary>
    protected void RaiseConfigChanged() => ConfigChanged?.Invoke();

    /// <summary>
    /// Pops every available chain of <paramref name="queue"/>, hands it to <paramref name="handler"/>, completes it with
    /// the length the handler reports, and publishes once at the end. A broken ring stops the loop and its error is
    /// returned (chains completed before that are still published).
    /// </summary>
    protected static QueueProcessResult ServeAll(IDeviceQueue queue, ChainHandler handler)
    {
        int completed = 0;
        QueueError error = QueueError.None;
        while (true)
        {
            var pop = queue.TryPop(out var chain);
            if (pop == PopResult.Empty) break;
            if (pop == PopResult.Broken) { error = queue.Error; break; }
            uint written = handler(chain, queue.Memory);
            if (written == RejectRequest)
            {
                // Not completed: the ring is reported broken and the device needs a reset.
                ulong at = chain.SegmentCount > 0 ? chain.Segments[0].Address : 0;
                error = new QueueError(QueueErrorKind.MalformedRequest, chain.Id, at);
                break;
            }
            if (!queue.TryComplete(chain, written)) { error = queue.Error; break; }
            completed++;
        }
        bool interrupt = queue.PublishUsed();
        // Publishing reads the driver's suppression fields, which can break the ring too.
        if (!error.IsError && queue.Error.IsError) error = queue.Error;
        return new QueueProcessResult(completed, interrupt, error);
    }

    /// <summary>Completes <paramref name="chain"/> and turns a failure into the queue's error.</summary>
    protected static bool Complete(IDeviceQueue queue, DescriptorChain chain, uint written, ref QueueError error)
    {
        if (queue.TryComplete(chain, written)) return true;
        if (!error.IsError) error = queue.Error;
        return false;
    }
}
