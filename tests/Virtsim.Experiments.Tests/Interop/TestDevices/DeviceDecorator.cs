using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Tests.Interop.TestDevices;

/// <summary>A device type that is <paramref name="inner"/> in everything but what a test-only device overrides.</summary>
internal abstract class DeviceDecorator(IDeviceHandler inner) : IDeviceHandler
{
    protected IDeviceHandler Inner => inner;

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
    public string? ValidateFeatures(FeatureSet accepted) => inner.ValidateFeatures(accepted);
    public void Activate(FeatureSet negotiated) => inner.Activate(negotiated);
    public virtual QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue) => inner.ProcessQueue(queueIndex, queue);
    public virtual void Reset() => inner.Reset();
}
