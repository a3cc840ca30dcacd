using Virtsim.Fleet.Vendors;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Mmio;
using Virtsim.Virtio.Transport.Pci;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// A vendor profile's device in process: Virtsim's blk (a 1 MiB RAM disk) or net device type with the profile's ring
/// offer (<see cref="VendorProfile.RingOffer"/>), queue size limit, subsystem vendor id and broken features
/// (<see cref="QuirkBehaviour"/>), behind a PCI (MSI-X) or MMIO (line interrupt) transport. A net device loops what the
/// driver transmits back into its receive queue when <see cref="Loopback"/> is called. Doorbells are served at once,
/// on the caller's thread: a cell is deterministic.
/// </summary>
public sealed class InProcessDevice : IInterruptSink, INetFrameSink
{
    /// <summary>Sectors of the blk RAM disk (1 MiB).</summary>
    public const ulong DiskSectors = 2048;

    private readonly NetDevice? _net;
    private readonly Queue<byte[]> _transmitted = new();
    private readonly HashSet<ushort> _pendingVectors = [];
    private bool _line;

    /// <summary>Builds the device of <paramref name="profile"/> over <paramref name="transport"/> (pci or mmio) in <paramref name="memory"/>.</summary>
    /// <exception cref="ArgumentException">The transport is vhost-user.</exception>
    public InProcessDevice(VendorProfile profile, VhostUserDeviceKind type, InteropTransport transport, GuestMemory memory)
        : this(profile, type, transport, memory, null)
    {
    }

    /// <summary>As the public constructor; <paramref name="wrap"/> (a test-only device) wraps the device type before the quirks do.</summary>
    internal InProcessDevice(VendorProfile profile, VhostUserDeviceKind type, InteropTransport transport, GuestMemory memory,
        Func<IDeviceHandler, IDeviceHandler>? wrap)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        Quirks = new QuirkBehaviour(profile.Quirks.BrokenFeatures);
        var rings = profile.RingOffer(RequestDeviceBase.DefaultRingFeatures);
        IDeviceHandler handler = type == VhostUserDeviceKind.Blk
            ? new BlkDevice(new QuirkyBlockStore(new MemoryBlockStore(DiskSectors), Quirks), new BlkDeviceOptions { RingFeatures = rings, QueueSize = profile.MaxQueueSize })
            : _net = new NetDevice(this, new NetDeviceOptions { RingFeatures = rings, QueueSize = profile.MaxQueueSize });
        var quirky = new QuirkyHandler(wrap?.Invoke(handler) ?? handler, Quirks);
        var deviceMemory = new DeviceMemory(memory);
        switch (transport)
        {
            case InteropTransport.Pci:
                var pci = PciTransport.Create(quirky, deviceMemory, Virtqueue.CreateDevice, this, new PciTransportOptions { SubsystemVendorId = profile.SubsystemVendorId });
                Model = pci.Model;
                var port = new PciDriverPort(pci);
                Port = port;
                SubsystemVendorId = (ushort)pci.ReadConfigSpace(PciLayout.SubsystemVendorIdRegister, 2);
                PciPort = port;
                break;
            case InteropTransport.Mmio:
                var mmio = MmioTransport.Create(quirky, deviceMemory, Virtqueue.CreateDevice, this, profile.SubsystemVendorId);
                Model = mmio.Model;
                Port = new MmioDriverPort(mmio);
                SubsystemVendorId = (ushort)mmio.Read(MmioRegister.VendorId, 4);
                break;
            default:
                throw new ArgumentException($"an in-process device runs over pci or mmio, not {transport.Name()}", nameof(transport));
        }
    }

    /// <summary>The vendor profile.</summary>
    public VendorProfile Profile { get; }

    /// <summary>The profile's broken features and whether they are in force.</summary>
    public QuirkBehaviour Quirks { get; }

    /// <summary>The device model behind the registers (status, negotiated features, queues).</summary>
    public VirtioDeviceModel Model { get; }

    /// <summary>The driver's view of the registers.</summary>
    public ITransportDriverPort Port { get; }

    /// <summary>The PCI port (MSI-X programming), or null over MMIO.</summary>
    internal PciDriverPort? PciPort { get; }

    /// <summary>The subsystem vendor id as the driver reads it (PCI config space, or the MMIO VendorID register).</summary>
    public ushort SubsystemVendorId { get; }

    /// <summary>The features the device offers.</summary>
    public FeatureSet Offered => Model.Handler.OfferedFeatures;

    /// <summary>Why the device set DEVICE_NEEDS_RESET, or null.</summary>
    public string? NeedsResetReason => Model.NeedsResetReason;

    /// <summary>Interrupts delivered so far (MSI-X messages and line assertions).</summary>
    public int Interrupts { get; private set; }

    /// <summary>Frames the driver transmitted that were not looped back yet.</summary>
    public int TransmittedPending => _transmitted.Count;

    /// <summary>
    /// net: delivers every frame transmitted so far into receive queue 0 (the driver must have posted buffers), raising
    /// the queue's interrupt when the device type asks for one. Returns how many frames went in; frames that found no
    /// buffer stay queued. A broken feature in force flips the first byte of each.
    /// </summary>
    /// <exception cref="InvalidOperationException">The device is not net.</exception>
    public int Loopback()
    {
        if (_net is null) throw new InvalidOperationException("loopback applies to net devices");
        var rx = Model.Queues[0];
        if (!rx.Enabled || rx.Queue is null) return 0;
        int delivered = 0;
        bool interrupt = false;
        while (_transmitted.TryPeek(out var frame))
        {
            if (Quirks.CorruptsData && frame.Length > 0) frame[0] ^= 0xFF;
            var result = _net.ReceiveFrame(frame, rx.Queue);
            if (result.Status == NetReceiveStatus.NoBuffer)
            {
                if (Quirks.CorruptsData && frame.Length > 0) frame[0] ^= 0xFF; // tried again later, corrupted once
                break;
            }
            _transmitted.Dequeue();
            if (result.Status == NetReceiveStatus.QueueBroken)
            {
                Model.SetNeedsReset($"queue 0: {result.Error.Reason}");
                break;
            }
            if (result.Status == NetReceiveStatus.Delivered) delivered++;
            interrupt |= result.Interrupt;
        }
        if (interrupt && !Quirks.LosesInterrupts) Model.SignalQueue(0);
        return delivered;
    }

    /// <summary>Takes a pending MSI-X message for <paramref name="vector"/> (PCI) or the asserted line (MMIO): true when one was pending.</summary>
    internal bool TakeInterrupt(ushort vector)
    {
        if (PciPort != null) return _pendingVectors.Remove(vector);
        if (!_line) return false;
        Port.TakeInterruptStatus(); // the driver's read of InterruptStatus and its ACK lower the line
        _line = false;
        return true;
    }

    void IInterruptSink.SetInterruptLine(bool asserted)
    {
        if (asserted && !_line) Interrupts++;
        _line = asserted;
    }

    void IInterruptSink.SendMessage(ushort vector, ulong address, uint data)
    {
        Interrupts++;
        _pendingVectors.Add(vector);
    }

    void INetFrameSink.Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header) => _transmitted.Enqueue(frame.ToArray());
}
