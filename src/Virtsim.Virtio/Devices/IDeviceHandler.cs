using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices;

/// <summary>
/// A device type's behaviour as pure logic (no threads, clocks or I/O): the features it offers, its
/// device-specific configuration space, and how it serves requests on its virtqueues. A transport model
/// (PCI or MMIO) owns the status, feature windows and queue registers and calls into this.
/// </summary>
public interface IDeviceHandler
{
    /// <summary>The virtio device type.</summary>
    DeviceType Type { get; }

    /// <summary>The features the device offers (device-type bits plus ring bits it supports).</summary>
    FeatureSet OfferedFeatures { get; }

    /// <summary>Number of virtqueues the device exposes (num_queues).</summary>
    int QueueCount { get; }

    /// <summary>Largest size of each virtqueue.</summary>
    ushort MaxQueueSize { get; }

    /// <summary>Size in bytes of the device-specific configuration space.</summary>
    int ConfigSize { get; }

    /// <summary>Reads device config bytes; bytes past <see cref="ConfigSize"/> read as zero.</summary>
    void ReadConfig(int offset, Span<byte> destination);

    /// <summary>Writes device config bytes; read-only fields and bytes past the end ignore writes.</summary>
    void WriteConfig(int offset, ReadOnlySpan<byte> source);

    /// <summary>
    /// Raised whenever the device config contents change on the device's initiative or by a write
    /// (link status, capacity, writeback mode). The transport bumps config_generation and raises a
    /// configuration change interrupt.
    /// </summary>
    event Action? ConfigChanged;

    /// <summary>
    /// Checks the features the driver accepted (already known to be a subset of the offer). Returns null to
    /// accept, or the reason the device refuses FEATURES_OK (for example a feature whose dependency is missing).
    /// </summary>
    string? ValidateFeatures(FeatureSet accepted);

    /// <summary>Called at DRIVER_OK with the negotiated features.</summary>
    void Activate(FeatureSet negotiated);

    /// <summary>
    /// Serves every chain available on queue <paramref name="queueIndex"/> (a doorbell arrived): pops,
    /// handles, completes and publishes. A malformed chain stops processing and is reported in the result.
    /// </summary>
    QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue);

    /// <summary>Returns the device-type state to power-on (device reset).</summary>
    void Reset();
}

/// <summary>What serving a queue did.</summary>
/// <param name="Completed">Chains completed.</param>
/// <param name="Interrupt">True when the driver must be interrupted.</param>
/// <param name="Error">A queue error that needs DEVICE_NEEDS_RESET, or none.</param>
public readonly record struct QueueProcessResult(int Completed, bool Interrupt, QueueError Error);
