using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Transport;

/// <summary>
/// The driver's view of a transport: the operations of device initialisation and operation (spec §3.1),
/// performed as register accesses on a PCI function or an MMIO device. Lets one driver routine drive either.
/// </summary>
public interface ITransportDriverPort
{
    /// <summary>"pci" or "mmio".</summary>
    string TransportName { get; }

    /// <summary>The device type the transport reports.</summary>
    DeviceType DeviceType { get; }

    /// <summary>Reads the device status.</summary>
    DeviceStatus ReadStatus();

    /// <summary>Writes the device status (0 resets).</summary>
    void WriteStatus(DeviceStatus status);

    /// <summary>Reads all 128 offered feature bits through the four 32-bit windows.</summary>
    FeatureSet ReadDeviceFeatures();

    /// <summary>Writes the accepted feature bits through the four 32-bit windows.</summary>
    void WriteDriverFeatures(FeatureSet features);

    /// <summary>The largest size of queue <paramref name="index"/>; 0 when the queue does not exist.</summary>
    ushort ReadQueueMaxSize(int index);

    /// <summary>True when queue <paramref name="index"/> is enabled / ready.</summary>
    bool IsQueueEnabled(int index);

    /// <summary>Programs and enables one queue; the result says why it did not enable.</summary>
    QueueOperationResult SetupQueue(DriverQueueSetup setup);

    /// <summary>Resets one queue (VIRTIO_F_RING_RESET) and waits for the reset to complete.</summary>
    QueueOperationResult ResetQueue(int index);

    /// <summary>Rings queue <paramref name="index"/>'s doorbell, with a notification value when given.</summary>
    void Notify(int index, uint? notificationData = null);

    /// <summary>Reads the configuration generation.</summary>
    uint ReadConfigGeneration();

    /// <summary>Reads device configuration bytes.</summary>
    void ReadDeviceConfig(int offset, Span<byte> destination);

    /// <summary>Writes device configuration bytes.</summary>
    void WriteDeviceConfig(int offset, ReadOnlySpan<byte> source);

    /// <summary>Reads and acknowledges the pending interrupt causes (PCI: ISR read-to-clear; MMIO: status + ACK).</summary>
    InterruptCause TakeInterruptStatus();
}
