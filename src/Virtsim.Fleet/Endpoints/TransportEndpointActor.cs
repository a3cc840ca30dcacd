using System.Buffers.Binary;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Refs;
using Virtsim.Actors.Supervision;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Mmio;
using Virtsim.Virtio.Transport.Pci;

namespace Virtsim.Fleet.Endpoints;

/// <summary>
/// One PCI function or MMIO region (the transport endpoint) with the device behind it: the device actor. It alone
/// owns the core's <see cref="VirtioDeviceModel"/> (registers, status, queues), the device type, its
/// <see cref="DeviceQueue"/>s, its DMA view of guest memory (its own IOMMU domain copy and transaction counters) and,
/// for net, its uplink; nothing of it is reachable from another actor, so the same code is correct under the
/// threaded dispatcher. Drivers talk to it only by messages: <see cref="ConfigRequest"/>s become real register
/// accesses on the core's <see cref="PciTransport"/> or <see cref="MmioTransport"/>; <see cref="DoorbellMessage"/>s
/// reach the queue after the vendor's doorbell cost (a timer message to itself); the transport's interrupts (MSI-X
/// writes, line assertions) go to the driver as <see cref="InterruptMessage"/>s after the interrupt cost. The host
/// answers the queues' DMA (<see cref="DmaCompleted"/>/<see cref="DmaFaulted"/>, routed by the tag's queue byte)
/// and tells it of IOMMU mapping changes (<see cref="IommuMappingChange"/>). Frames from the switch go to the
/// receive queue.
/// <para>A blk device has a <see cref="BackendActor"/> child that owns the disk and serves the requests; this actor is
/// its supervisor: a crashed backend is restarted (at most <see cref="MaxBackendRestarts"/> times within
/// <see cref="BackendRestartWindow"/>, after which it is stopped and the device needs a reset), and on its
/// <see cref="BackendRestarted"/> every queue sends again what the backend had not answered.</para>
/// </summary>
public sealed class TransportEndpointActor : ReceiveActor
{
    private readonly VendorProfile _profile;
    private readonly FleetMetrics _metrics;
    private readonly TransportKind _kind;
    private readonly PciTransport? _pci;
    private readonly MmioTransport? _mmio;
    private readonly ITransportDriverPort _port;
    private readonly DeviceContext _context;
    private readonly List<DeviceQueue> _queues = [];
    private readonly string[] _coalesceKeys;
    private readonly Queue<(int Queue, DoorbellMessage Doorbell)> _pendingDoorbells = new();
    private readonly DeviceMemory _memory;
    private IActorRef? _driver;
    private readonly Dictionary<ushort, InterruptMessage> _vectors = []; // immutable messages, reused per vector
    private readonly Props? _backendProps;
    private IActorRef? _backend;

    /// <summary>Restarts of the backend allowed within <see cref="BackendRestartWindow"/> before it is stopped.</summary>
    public const int MaxBackendRestarts = 10;

    /// <summary>The window (virtual under simulation) the backend's restarts are counted in.</summary>
    public static TimeSpan BackendRestartWindow { get; } = TimeSpan.FromSeconds(1);

    private static readonly SupervisorStrategy BackendStrategy =
        new OneForOneStrategy(MaxBackendRestarts, BackendRestartWindow, _ => Directive.Restart);

    /// <summary>Creates the endpoint.</summary>
    /// <param name="kind">PCI or MMIO.</param>
    /// <param name="handler">The device type (built with the vendor's feature offer).</param>
    /// <param name="memory">The device's DMA view of its VM's memory (IOMMU domain and dirty log attached).</param>
    /// <param name="profile">The implementation.</param>
    /// <param name="host">The host serving DMA.</param>
    /// <param name="pasid">The IOMMU domain.</param>
    /// <param name="metrics">The run's counters.</param>
    /// <param name="uplink">net: the device's cable (the same object the net handler transmits into).</param>
    /// <param name="backend">blk: how to create the backend actor (spawned as this actor's child), or null to serve inline.</param>
    public TransportEndpointActor(TransportKind kind, IDeviceHandler handler, DeviceMemory memory, VendorProfile profile, IActorRef host,
        uint pasid, FleetMetrics metrics, FrameUplink? uplink, Props? backend = null)
    {
        _backendProps = backend;
        _kind = kind;
        _profile = profile;
        _metrics = metrics;
        var sink = new EndpointInterruptSink(OnLine, OnMsix);
        VirtioDeviceModel model;
        if (kind == TransportKind.Pci)
        {
            _pci = PciTransport.Create(handler, memory, Virtqueue.CreateDevice, sink, new PciTransportOptions { SubsystemVendorId = profile.SubsystemVendorId });
            _port = new PciDriverPort(_pci);
            model = _pci.Model;
        }
        else
        {
            _mmio = MmioTransport.Create(handler, memory, Virtqueue.CreateDevice, sink, profile.SubsystemVendorId);
            _port = new MmioDriverPort(_mmio);
            model = _mmio.Model;
        }
        _context = new DeviceContext(model, profile, host, pasid, metrics, uplink);
        _memory = memory;
        var owner = new Owner(this);
        _coalesceKeys = new string[model.QueueCount];
        for (int i = 0; i < model.QueueCount; i++)
        {
            _queues.Add(new DeviceQueue(i, _context, owner));
            _coalesceKeys[i] = $"coalesce-q{i}";
        }

        Receive<ConfigRequest>(OnConfig);
        Receive<DoorbellMessage>(OnDoorbell);
        Receive<DoorbellDue>(_ =>
        {
            var (queue, doorbell) = _pendingDoorbells.Dequeue();
            _queues[queue].OnDoorbell(doorbell);
        });
        Receive<DmaCompleted>(c =>
        {
            int q = DeviceQueue.QueueOf(c.Tag);
            if (q < _queues.Count) _queues[q].OnDmaCompleted(c.Tag);
        });
        Receive<DmaFaulted>(f =>
        {
            int q = DeviceQueue.QueueOf(f.Tag);
            if (q < _queues.Count) _queues[q].OnDmaFaulted(f);
        });
        Receive<CoalesceDue>(c => _queues[c.Queue].OnCoalesceTimer());
        Receive<UsedBufferNotification>(n => SignalQueue(n.Queue));
        Receive<QueueFault>(f => OnQueueFault(f.Queue, f.Reason));
        Receive<InjectFault>(f =>
        {
            if (f.Queue < _queues.Count) _queues[f.Queue].OnInjectFault(f);
        });
        Receive<FrameMessage>(f =>
        {
            if (_queues.Count > 0) _queues[0].OnFrame(f); // receiveq1
        });
        Receive<IommuMappingChange>(OnMappingChange);
        Receive<BackendReply>(r =>
        {
            if (r.Queue < _queues.Count) _queues[r.Queue].OnBackendReply(r);
        });
        Receive<BackendRestarted>(_ =>
        {
            foreach (var q in _queues) q.OnBackendRestarted();
        });
        Receive<CrashBackend>(c =>
        {
            _metrics.Add(FleetCounter.FaultsInjected);
            _backend?.Tell(c, Self);
        });
        Receive<Terminated>(t =>
        {
            if (!t.Actor.Equals(_backend)) return;
            _backend = null;
            OnDeviceFault("backend stopped after too many restarts");
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (_backendProps is null) return;
        _backend = Context.ActorOf(_backendProps, "backend");
        Context.Watch(_backend);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy => BackendStrategy;

    private void SignalQueue(int queue) => _context.Model.SignalQueue(queue);

    private void OnMappingChange(IommuMappingChange c)
    {
        if (_memory.Domain is not { } domain) return;
        if (c.Mapped) domain.Map(c.Address, c.Address, c.Length, IommuPermissions.ReadWrite);
        else domain.Unmap(c.Address, c.Length);
    }

    private void OnDoorbell(DoorbellMessage d)
    {
        _driver ??= Sender;
        int index = _context.Model.ResolveNotifyIdentifier(d.Queue);
        if (index < 0 || index >= _queues.Count) return; // a doorbell for no queue is ignored, as hardware does
        // Every doorbell costs the same, so the k-th timer to fire takes the k-th doorbell: the order the driver rang
        // them in is kept even when real-time timers of equal delay fire out of order (with NOTIFICATION_DATA a
        // stale value after a newer one would hide available buffers).
        _pendingDoorbells.Enqueue((index, d));
        Context.Scheduler.ScheduleTellOnce(_profile.Timing.DoorbellCost, Self, DoorbellDue.Instance, Self);
    }

    private void OnQueueFault(int queue, string reason) => OnDeviceFault($"queue {queue}: {reason}");

    private void OnDeviceFault(string reason)
    {
        if (_context.Model.Status.Has(DeviceStatus.DeviceNeedsReset)) return;
        _metrics.Add(FleetCounter.DeviceNeedsReset);
        _context.Model.SetNeedsReset(reason);
    }

    private void OnLine(bool asserted)
    {
        if (asserted && _driver is not null)
            Context.Scheduler.ScheduleTellOnce(_profile.Timing.InterruptCost, _driver, InterruptMessage.Line, Self);
    }

    private void OnMsix(ushort vector, uint data)
    {
        if (_driver is not null)
        {
            var message = _vectors.TryGetValue(vector, out var cached) && cached.Data == data
                ? cached
                : _vectors[vector] = new InterruptMessage(InterruptKind.Msix, vector, data);
            Context.Scheduler.ScheduleTellOnce(_profile.Timing.InterruptCost, _driver, message, Self);
        }
    }

    private void OnConfig(ConfigRequest r)
    {
        _driver = Sender;
        _metrics.Add(FleetCounter.ConfigAccesses);
        ConfigReply reply;
        try
        {
            reply = Execute(r);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            reply = new ConfigReply(r.Tag, r.Operation, false, Reason: ex.Message);
        }
        Sender.Tell(reply, Self);
    }

    private ConfigReply Execute(ConfigRequest r)
    {
        switch (r.Operation)
        {
            case ConfigOperation.Identify:
                ulong vendor = _pci != null
                    ? _pci.ReadConfigSpace(PciLayout.SubsystemVendorIdRegister, 2)
                    : _mmio!.Read(MmioRegister.VendorId, 4);
                return Ok(r, vendor, (ulong)_port.DeviceType);
            case ConfigOperation.ReadStatus:
                return Ok(r, (ulong)_port.ReadStatus());
            case ConfigOperation.WriteStatus:
                _port.WriteStatus((DeviceStatus)(byte)r.Value0);
                return Ok(r, (ulong)_port.ReadStatus());
            case ConfigOperation.ReadDeviceFeatures:
                var offered = _port.ReadDeviceFeatures();
                return Ok(r, offered.Low, offered.High);
            case ConfigOperation.WriteDriverFeatures:
                _port.WriteDriverFeatures(new FeatureSet(r.Value0, r.Value1));
                return Ok(r);
            case ConfigOperation.SetupQueue:
                var result = _port.SetupQueue(new DriverQueueSetup(r.Index, r.Size, r.Value0, r.Value1, r.Value2, r.Vector));
                return result.Succeeded ? Ok(r) : new ConfigReply(r.Tag, r.Operation, false, Reason: result.Reason);
            case ConfigOperation.EnableMsix:
                if (_pci is null || _port is not PciDriverPort pciPort)
                    return new ConfigReply(r.Tag, r.Operation, false, Reason: "MSI-X needs the PCI transport");
                int vectors = Math.Min((int)r.Index, _pci.Msix.VectorCount);
                for (int v = 0; v < vectors; v++) pciPort.ProgramMsixVector(v, 0xFEE0_0000UL, (uint)v);
                pciPort.EnableMsix();
                ushort back = pciPort.SetConfigMsixVector(0);
                return back == 0 ? Ok(r, (ulong)vectors) : new ConfigReply(r.Tag, r.Operation, false, Reason: "config vector 0 not mapped");
            case ConfigOperation.ReadDeviceConfig:
                Span<byte> bytes = stackalloc byte[8];
                int size = Math.Clamp((int)r.Size, 1, 8);
                _port.ReadDeviceConfig(r.Index, bytes[..size]);
                return Ok(r, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            case ConfigOperation.ReadConfigGeneration:
                return Ok(r, _port.ReadConfigGeneration());
            case ConfigOperation.TakeInterruptStatus:
                return Ok(r, (ulong)_port.TakeInterruptStatus());
            default:
                return new ConfigReply(r.Tag, r.Operation, false, Reason: $"unknown operation {r.Operation}");
        }
    }

    private static ConfigReply Ok(ConfigRequest r, ulong value0 = 0, ulong value1 = 0) => new(r.Tag, r.Operation, true, value0, value1);

    private sealed class DoorbellDue
    {
        public static readonly DoorbellDue Instance = new();
    }

    private sealed record CoalesceDue(int Queue);

    // The queues' view of this actor; called only from within its message handlers.
    private sealed class Owner(TransportEndpointActor endpoint) : IDeviceQueueOwner
    {
        public IActorRef Self => endpoint.Self;

        public void OnQueueFault(int queue, string reason) => endpoint.OnQueueFault(queue, reason);

        public void OnUsedBuffers(int queue) => endpoint.SignalQueue(queue);

        public void StartCoalesceTimer(int queue, TimeSpan window)
        {
            string key = endpoint._coalesceKeys[queue];
            if (!endpoint.Timers.IsTimerActive(key)) endpoint.Timers.StartSingleTimer(key, new CoalesceDue(queue), window);
        }

        public void FlushUplink() => endpoint._context.Uplink?.Flush(endpoint.Self);

        public IActorRef? Backend => endpoint._backend;
    }

    /// <summary>The transport kind (for diagnostics).</summary>
    public override string ToString() => $"{_kind} endpoint ({_profile.Name})";
}
