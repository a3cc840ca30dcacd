using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop;

/// <summary>A device type whose used-buffer interrupts follow <see cref="QuirkBehaviour"/>; everything else is the device's own.</summary>
internal sealed class QuirkyHandler(IDeviceHandler inner, QuirkBehaviour quirks) : IDeviceHandler
{
    public DeviceType Type => inner.Type;
    public FeatureSet OfferedFeatures => inner.OfferedFeatures;
    public int QueueCount => inner.QueueCount;
    public ushort MaxQueueSize => inner.MaxQueueSize;
    public int ConfigSize => inner.ConfigSize;

    public event Action? ConfigChanged
    {
        add => inner.ConfigChanged += value;
        remove => inner.ConfigChanged -= value;
    }

    public void ReadConfig(int offset, Span<byte> destination) => inner.ReadConfig(offset, destination);
    public void WriteConfig(int offset, ReadOnlySpan<byte> source) => inner.WriteConfig(offset, source);

    public string? ValidateFeatures(FeatureSet accepted)
    {
        string? refusal = inner.ValidateFeatures(accepted);
        if (refusal == null) quirks.Negotiated(accepted);
        return refusal;
    }

    public void Activate(FeatureSet negotiated)
    {
        inner.Activate(negotiated);
        quirks.Negotiated(negotiated);
    }

    public QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        var result = inner.ProcessQueue(queueIndex, queue);
        return quirks.LosesInterrupts ? result with { Interrupt = false } : result;
    }

    public void Reset()
    {
        inner.Reset();
        quirks.Reset();
    }
}
