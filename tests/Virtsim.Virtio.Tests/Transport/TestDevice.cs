using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Mmio;
using Virtsim.Virtio.Transport.Pci;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>A fake device behind one transport, with the driver's port to it.</summary>
internal sealed class TestDevice
{
    public const ulong Desc = 0x1000, Avail = 0x2000, Used = 0x3000;

    private TestDevice(string transport, FakeDeviceHandler handler, PciTransportOptions? options)
    {
        Handler = handler;
        Sink = new RecordingInterruptSink();
        Factory = new FakeQueueFactory();
        Model = new VirtioDeviceModel(handler, new DeviceMemory(GuestMemory.WithArray(0x10000)), Factory.Create, Sink);
        if (transport == "pci")
        {
            Pci = new PciTransport(Model, options);
            PciPort = new PciDriverPort(Pci);
            Port = PciPort;
        }
        else
        {
            Mmio = new MmioTransport(Model);
            Port = new MmioDriverPort(Mmio);
        }
    }

    public static TestDevice Create(string transport, FakeDeviceHandler? handler = null, PciTransportOptions? options = null) =>
        new(transport, handler ?? new FakeDeviceHandler(), options);

    public FakeDeviceHandler Handler { get; }
    public RecordingInterruptSink Sink { get; }
    public FakeQueueFactory Factory { get; }
    public VirtioDeviceModel Model { get; }
    public PciTransport? Pci { get; }
    public PciDriverPort? PciPort { get; }
    public MmioTransport? Mmio { get; }
    public ITransportDriverPort Port { get; }

    public static readonly FeatureSet DriverFeatures = FeatureSet.Of(0, FeatureBit.Version1, FeatureBit.RingReset, FeatureBit.NotificationData);

    public static DriverQueueSetup Queue(int index, ushort size = 64) =>
        new(index, size, Desc + (ulong)index * 0x400, Avail + (ulong)index * 0x100, Used + (ulong)index * 0x100);

    /// <summary>Runs the full init with both queues of size 64.</summary>
    public DriverInitResult Init(FeatureSet? features = null) =>
        DriverInitSequence.Run(Port, features ?? DriverFeatures, [Queue(0), Queue(1)]);
}
