using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Devices.Console;

/// <summary>How a single-port virtio-console device presents itself.</summary>
public sealed record ConsoleDeviceOptions
{
    /// <summary>Device-type features to offer (<see cref="ConsoleFeatureBit"/>); MULTIPORT is not supported.</summary>
    public FeatureSet DeviceFeatures { get; init; } = FeatureSet.Of(ConsoleFeatureBit.Size, ConsoleFeatureBit.EmergWrite);

    /// <summary>The ring and transport feature bits to offer.</summary>
    public FeatureSet RingFeatures { get; init; } = RequestDeviceBase.DefaultRingFeatures;

    /// <summary>Console width at creation.</summary>
    public ushort Cols { get; init; } = 80;

    /// <summary>Console height at creation.</summary>
    public ushort Rows { get; init; } = 25;

    /// <summary>Largest virtqueue size.</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>Input bytes held while the driver has no receive buffers; more are dropped and counted.</summary>
    public int MaxPendingInput { get; init; } = 64 * 1024;
}
