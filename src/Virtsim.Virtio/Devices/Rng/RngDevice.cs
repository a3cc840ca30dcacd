using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Rng;

/// <summary>
/// virtio-rng (spec §5.4): one request queue; every writable byte of each chain is filled from the injected
/// <see cref="IEntropySource"/> and the used length is the number of bytes written. Readable segments (which a
/// driver must not send) are ignored. No features, no config space.
/// </summary>
public sealed class RngDevice : RequestDeviceBase
{
    private readonly IEntropySource _source;
    private readonly byte[] _scratch = new byte[4096];
    private readonly ChainHandler _handler;

    /// <summary>Creates an entropy device drawing on <paramref name="source"/>.</summary>
    /// <param name="source">The random bytes.</param>
    /// <param name="ringFeatures">Ring features to offer; <see cref="RequestDeviceBase.DefaultRingFeatures"/> when null.</param>
    /// <param name="queueSize">Largest virtqueue size.</param>
    public RngDevice(IEntropySource source, FeatureSet? ringFeatures = null, ushort queueSize = 256)
        : base((ringFeatures ?? DefaultRingFeatures) | FeatureSet.Of(FeatureBit.Version1))
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        MaxQueueSize = queueSize;
        _handler = Fill;
    }

    /// <inheritdoc />
    public override DeviceType Type => DeviceType.Entropy;

    /// <inheritdoc />
    public override int QueueCount => 1;

    /// <inheritdoc />
    public override int ConfigSize => 0;

    /// <summary>Random bytes delivered so far.</summary>
    public long BytesProvided { get; private set; }

    /// <summary>Guest-memory faults met while writing (the chain is used with what was written before).</summary>
    public long MemoryFaults { get; private set; }

    /// <inheritdoc />
    protected override void BuildConfig(Span<byte> image) { }

    /// <inheritdoc />
    protected override void OnReset() { }

    /// <inheritdoc />
    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queueIndex == 0 ? ServeAll(queue, _handler) : default;
    }

    private uint Fill(DescriptorChain chain, DeviceMemory memory)
    {
        ulong total = Math.Min(chain.WritableLength, uint.MaxValue); // the used length is a u32
        ulong done = 0;
        while (done < total)
        {
            int run = (int)Math.Min((ulong)_scratch.Length, total - done);
            var buffer = _scratch.AsSpan(0, run);
            _source.Fill(buffer);
            if (!chain.TryWrite(memory, done, buffer))
            {
                MemoryFaults++;
                break;
            }
            done += (ulong)run;
        }
        BytesProvided += (long)done;
        return (uint)done;
    }
}
