using System.Buffers.Binary;
using System.Diagnostics;
using Akka.Actor;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Environment;
using Virtsim.Simulation.Supervision;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
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
/// <para>With a <see cref="FleetPersistence"/> the device survives its own crash (<see cref="CrashDevice"/>): a child
/// <see cref="DeviceStateJournal"/> persists a <see cref="DeviceImage"/> at every change of status, features, queue
/// setup or MSI-X (the driver's reply waits until it is durable), and a restarted device stashes everything until
/// that journal recovered, restores the model (<see cref="DeviceRecovery"/>: split rings resume at the used index in
/// guest memory; packed rings fall back to DEVICE_NEEDS_RESET), serves its queues again and signals them (an
/// interrupt may have been lost with the crash). Its backend restarts with it and rebuilds its disk from its own
/// journal. Configuration accesses the crashed incarnation had taken and not answered are completed with an abort
/// (<see cref="ConfigReply.Aborted"/>), so the driver starts over instead of waiting for them.</para>
/// </summary>
public sealed partial class TransportEndpointActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    private readonly VendorProfile _profile;
    private readonly FleetMetrics _metrics;
    private readonly TransportKind _kind;
    private readonly PciTransport? _pci;
    private readonly MmioTransport? _mmio;
    private readonly ITransportDriverPort _port;
    private readonly DeviceContext _context;
    private readonly List<DeviceQueue> _queues = [];
    private readonly string[] _coalesceKeys;
    private readonly string[] _dmaTimerKeys;
    // A lost DMA is given up after dma-timeout of virtual time only under simulation: in real time a placed device's
    // DMA crosses processes and takes what the machine gives it (message faults, which lose DMA, are simulated only).
    private readonly bool _boundsDma = ActorEnvironment.For(Context.System).IsSimulated;
    private readonly Queue<(int Queue, DoorbellMessage Doorbell)> _pendingDoorbells = new();
    private readonly DeviceMemory _memory;
    private IActorRef? _driver;
    private readonly Dictionary<ushort, InterruptMessage> _vectors = []; // immutable messages, reused per vector
    private readonly Props? _backendProps;
    private readonly IActorRef? _remoteBackend;
    private IActorRef? _backend;
    private readonly FleetPersistence? _persistence;
    private readonly string _devicePath;
    private IActorRef? _journal;
    private int _msixVectors;
    private long _recordsSent;
    private long _recordsAcked;
    private readonly Queue<(IActorRef To, ConfigReply Reply, long After)> _heldReplies = new();
    private bool _restarted;
    private TimeSpan? _crashedAt;
    private long _restartTimestamp;
    private long _incarnation;
    private readonly World.DeviceHealth? _health;
    private string? _journalStopReason;
    private string? _backendStopReason;

    /// <summary>Restarts of the backend allowed within <see cref="BackendRestartWindow"/> before it is stopped.</summary>
    public const int MaxBackendRestarts = 10;

    /// <summary>The window (virtual under simulation) the backend's restarts are counted in.</summary>
    public static TimeSpan BackendRestartWindow { get; } = TimeSpan.FromSeconds(1);

    private readonly SupervisorStrategy _backendStrategy =
        new ClockedOneForOneStrategy(MaxBackendRestarts, BackendRestartWindow, _ => Directive.Restart);

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
    /// <param name="persistence">Where the device journals its state to survive a crash, or null to keep nothing.</param>
    /// <param name="devicePath">The device's "host/vm/device" (its persistence id with <paramref name="persistence"/>).</param>
    /// <param name="health">Where the device reports DEVICE_NEEDS_RESET and a lost backend or journal for the run's report, or null.</param>
    /// <param name="incoming">At a migration's destination: restore the migration snapshot from the journal and wait for the switchover.</param>
    /// <param name="flow">Set for a device at flow fidelity (no rings in guest memory; see the Flow part), null at ring.</param>
    /// <param name="access">How the queues reach guest memory: null for the VM's own memory (<paramref name="memory"/> is it);
    /// a <see cref="RemoteGuestMemory"/> (whose view <paramref name="memory"/> is) for a device on another node than its VM.</param>
    /// <param name="remoteBackend">blk: a backend another node runs (it is not this actor's child), instead of <paramref name="backend"/>.</param>
    public TransportEndpointActor(TransportKind kind, IDeviceHandler handler, DeviceMemory memory, VendorProfile profile, IActorRef host,
        uint pasid, FleetMetrics metrics, FrameUplink? uplink, Props? backend = null, FleetPersistence? persistence = null, string? devicePath = null,
        World.DeviceHealth? health = null, IncomingMigration? incoming = null, FlowSetup? flow = null, IGuestMemoryAccess? access = null,
        IActorRef? remoteBackend = null)
    {
        _remoteBackend = remoteBackend;
        _incoming = incoming;
        _health = health;
        _backendProps = backend;
        _persistence = persistence;
        _devicePath = devicePath ?? "";
        _kind = kind;
        _profile = profile;
        _metrics = metrics;
        var sink = new EndpointInterruptSink(OnLine, OnMsix);
        VirtioDeviceModel model;
        DeviceQueueFactory queues = flow is null ? Virtqueue.CreateDevice : Flow.FlowDeviceQueue.Create;
        if (kind == TransportKind.Pci)
        {
            _pci = PciTransport.Create(handler, memory, queues, sink, new PciTransportOptions { SubsystemVendorId = profile.SubsystemVendorId });
            _port = new PciDriverPort(_pci);
            model = _pci.Model;
        }
        else
        {
            _mmio = MmioTransport.Create(handler, memory, queues, sink, profile.SubsystemVendorId);
            _port = new MmioDriverPort(_mmio);
            model = _mmio.Model;
        }
        _context = new DeviceContext(model, profile, host, pasid, metrics, uplink, access);
        _memory = memory;
        if (flow is not null)
        {
            // No ring to serve: the flow part serves the driver's batches.
            _coalesceKeys = [];
            _dmaTimerKeys = [];
            FlowInit(flow);
        }
        else
        {
            var owner = new Owner(this);
            _coalesceKeys = new string[model.QueueCount];
            _dmaTimerKeys = new string[model.QueueCount];
            for (int i = 0; i < model.QueueCount; i++)
            {
                _queues.Add(new DeviceQueue(i, _context, owner));
                _coalesceKeys[i] = $"coalesce-q{i}";
                _dmaTimerKeys[i] = $"dma-timeout-q{i}";
            }
        }

        if (_persistence is null) Ready();
        else Become(Recovering);
    }

    // Until the journal has recovered, everything waits (in arrival order) for the restored state, except doorbells:
    // they add nothing then, since the restored device serves every enabled queue from its ring and signals it. They
    // cannot wait in the stash either: a driver rings with one immutable message per queue, and a stash refuses the
    // message it stashed last (the endpoint failed and was restarted until its host stopped it).
    private void Recovering()
    {
        Receive<DeviceStateRecovered>(OnRecovered);
        Receive<DoorbellMessage>(_ => { });
        Receive<DoorbellDue>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<ConfigRequest>(OnConfig);
        Receive<DoorbellMessage>(OnDoorbell);
        Receive<DoorbellDue>(_ =>
        {
            // A doorbell timer of a crashed incarnation may fire after the restart: its doorbell is gone with it.
            if (_pendingDoorbells.Count == 0) return;
            var (queue, doorbell) = _pendingDoorbells.Dequeue();
            _queues[queue].OnDoorbell(doorbell);
        });
        Receive<DmaCompleted>(c =>
        {
            int q = DeviceQueue.QueueOf(c.Tag);
            if (q < _queues.Count) _queues[q].OnDmaCompleted(c);
            TryFinishStop();
        });
        Receive<DmaFaulted>(f =>
        {
            int q = DeviceQueue.QueueOf(f.Tag);
            if (q < _queues.Count) _queues[q].OnDmaFaulted(f);
            TryFinishStop(); // a stop's write-back that faulted is over too
        });
        Receive<CoalesceDue>(c => _queues[c.Queue].OnCoalesceTimer());
        Receive<DmaTimeoutDue>(t =>
        {
            _queues[t.Queue].OnDmaTimeout();
            TryFinishStop();
        });
        Receive<UsedBufferNotification>(n => SignalQueue(n.Queue));
        Receive<QueueFault>(f => OnQueueFault(f.Queue, f.Reason));
        Receive<InjectFault>(f =>
        {
            if (f.Queue < _queues.Count) _queues[f.Queue].OnInjectFault(f);
        });
        Receive<FrameMessage>(f =>
        {
            if (IsFlow) OnFlowFrame(f);
            else if (_queues.Count > 0) _queues[0].OnFrame(f); // receiveq1
        });
        FlowHandlers();
        Receive<IommuMappingChange>(OnMappingChange);
        Receive<BackendReply>(r =>
        {
            if (OnFlushReply(r)) return;
            if (r.Queue < _queues.Count) _queues[r.Queue].OnBackendReply(r);
            TryFinishStop();
        });
        MigrationHandlers();
        Receive<SwitchBackend>(s =>
        {
            if (_remoteBackend is null) return;
            if (_backend is not null) Context.Unwatch(_backend);
            _backend = s.Backend;
            Context.Watch(_backend);
            foreach (var q in _queues) q.OnBackendRestarted();
        });
        Receive<BackendRestarted>(_ =>
        {
            foreach (var q in _queues) q.OnBackendRestarted();
        });
        Receive<CrashBackend>(c =>
        {
            _metrics.Add(FleetCounter.FaultsInjected);
            // blk: the backend child; net: the backend the host created beside this actor (the uplink's target).
            (_backend ?? _context.Uplink?.Backend)?.Tell(c, Self);
        });
        Receive<CrashDevice>(c =>
        {
            _metrics.Add(FleetCounter.DeviceCrashes);
            if (OnCrashWhileMigrating()) return;
            throw new DeviceCrashException($"device crashed: {c.Reason}", Context.Clock().Elapsed);
        });
        Receive<DeviceImageRecorded>(_ => OnRecorded());
        Receive<StoreFailed>(f =>
        {
            // Its Terminated follows and carries no reason.
            if (Sender.Equals(_journal)) _journalStopReason = $"device journal stopped, its store failed: {f.Reason}";
            else if (Sender.Equals(_backend)) _backendStopReason = $"backend stopped, its store failed: {f.Reason}";
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_journal))
            {
                // The journal failed (a store error stopped it): the device goes on without persistence.
                _journal = null;
                _recordsAcked = _recordsSent;
                OnRecorded();
                string journalReason = _journalStopReason ?? "device journal stopped";
                if (_health is not null) _health.JournalStopped = journalReason;
                OnDeviceFault(journalReason);
                return;
            }
            if (!t.ActorRef.Equals(_backend)) return;
            // A placed backend whose node was lost: the cluster's failover rebuilds it and sends SwitchBackend; the
            // requests it had not answered go to the new one then.
            if (_remoteBackend is not null && t.AddressTerminated) return;
            _backend = null;
            string backendReason = _backendStopReason ?? "backend stopped after too many restarts";
            if (_health is not null) _health.BackendStopped = backendReason;
            OnDeviceFault(backendReason);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A restarted incarnation's children get fresh names: the old ones may still be stopping.
        // At a migration's destination the backend starts at the switchover: until then the source's owns the disk.
        if (_backendProps is not null && (_incoming is null || _restarted)) StartBackend();
        if (_remoteBackend is not null)
        {
            // Another node runs and supervises it; this device only watches it.
            _backend = _remoteBackend;
            Context.Watch(_backend);
        }
        if (_persistence is not null)
        {
            var id = _persistence.DeviceId(_devicePath);
            var persistence = _persistence;
            var metrics = _metrics;
            var props = Props.Create(() => new DeviceStateJournal(id, persistence, metrics));
            _journal = _restarted ? Context.ActorOf(props) : Context.ActorOf(props, "state");
            Context.Watch(_journal);
        }
    }

    private void StartBackend()
    {
        _backend = _restarted ? Context.ActorOf(_backendProps!) : Context.ActorOf(_backendProps!, "backend");
        Context.Watch(_backend);
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object? message)
    {
        DropHeldFrames();
        AbortHeldReplies();
        base.PreRestart(reason, message);
    }

    // The driver's configuration accesses this incarnation took but had not answered (their image was not durable yet)
    // die with it. The transport completes each with an abort, as PCIe does for a non-posted request to a function that
    // went away; without it the driver would wait for the replies forever (a crash during its initialisation deadlocked
    // the run). The new incarnation may or may not have recovered their effect, so the driver starts over.
    private void AbortHeldReplies()
    {
        while (_heldReplies.TryDequeue(out var held))
        {
            _metrics.Add(FleetCounter.ConfigAccessesAborted);
            var r = held.Reply;
            held.To.Tell(new ConfigReply(r.Tag, r.Operation, false, Reason: "the device crashed before answering", Aborted: true), Self);
        }
    }

    // A crashed net device loses the frames only it held: those waiting for receive buffers and those transmitted in a
    // pass whose DMA time had not passed (their chains are already used, so nothing transmits them again). Counted and
    // reported to the workloads they were meant for, as a crashed net backend's; the fresh incarnation must not send them.
    private void DropHeldFrames()
    {
        if (_context.Uplink is not { } uplink) return;
        var frames = new List<(byte[] Frame, bool ToDevice)>();
        foreach (var q in _queues)
            foreach (var f in q.Backlog) frames.Add((f, true));
        foreach (var f in uplink.TakeHeld()) frames.Add((f, false));
        if (frames.Count == 0) return;
        _metrics.Add(FleetCounter.NetDeviceFramesDropped, frames.Count);
        uplink.Loss?.Report(Context.System, frames, Self);
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        _restartTimestamp = Stopwatch.GetTimestamp();
        if (reason is DeviceCrashException crash) _crashedAt = crash.CrashedAt;
        base.PostRestart(reason);
    }

    private void OnRecovered(DeviceStateRecovered recovered)
    {
        Become(Ready);
        if (_incoming is not null && !_restarted)
        {
            AdoptIncoming(recovered.Image);
            Stash.UnstashAll();
            return;
        }
        // A crash before any image was durable counts too: the device then starts afresh.
        if (recovered.Image is not null || _crashedAt is not null) _metrics.Add(FleetCounter.DeviceRecoveries);
        if (_crashedAt is { } crashedAt)
            _metrics.RecordRecovery(Context.Clock().Elapsed - crashedAt, Stopwatch.GetElapsedTime(_restartTimestamp));
        _crashedAt = null;
        if (recovered.Image is { } image)
        {
            if (FetchUsedIndexes(image)) return; // restores when the used indexes are here
            Restore(image);
        }
        Stash.UnstashAll();
    }

    private void Restore(DeviceImage image)
    {
        long incarnation = image.Incarnation + 1;
        foreach (var q in _queues) q.SetTagEpoch(incarnation);
        if (image.DriverPath is not null && ActorPath.TryParse(image.DriverPath, out var driverPath))
            _driver = Context.System.ResolveLocal(driverPath);
        if (image.Profile != _profile.Name)
        {
            OnDeviceFault($"journal written by vendor profile {image.Profile}, this device is {_profile.Name}");
            return;
        }
        if (image.MsixVectors > 0) ProgramMsix(image.MsixVectors);
        var (state, needsReset) = DeviceRecovery.Prepare(image, _memory);
        needsReset ??= _usedIndexFault;
        DropRecoveryFetches();
        var error = _context.Model.RestoreState(state, Virtqueue.RestoreDevice);
        if (error is not null) needsReset = $"device crashed and its journal does not fit: {error}";
        Record(incarnation);
        ReportNeedsReset();
        if (_context.Model.Status.Has(DeviceStatus.DeviceNeedsReset | DeviceStatus.DriverOk))
        {
            // It needed a reset before the crash: tell the driver again, the notification may have died with the crash.
            _context.Model.SignalConfig();
            return;
        }
        if (needsReset is not null)
        {
            OnDeviceFault(needsReset);
            return;
        }
        for (int i = 0; i < _queues.Count; i++)
        {
            if (!_context.Model.Queues[i].Enabled) continue;
            _queues[i].Resume();
            SignalQueue(i); // the crash may have lost the interrupt for completions already published
        }
    }

    // Writes the device's current image; the driver's next replies wait until it is durable.
    private void Record(long? incarnation = null)
    {
        if (_journal is null) return;
        if (incarnation is { } i) _incarnation = i;
        var model = _context.Model.SaveState();
        model = model with { Queues = [.. model.Queues.Select(q => q with { Queue = null })] };
        _journal.Tell(new DeviceImage(_profile.Name, model, _msixVectors, _driver?.Path.ToString(), _incarnation), Self);
        _recordsSent++;
        _metrics.Add(FleetCounter.DeviceEventsJournaled);
    }

    private void OnRecorded()
    {
        if (_recordsAcked < _recordsSent) _recordsAcked++;
        while (_heldReplies.Count > 0 && _heldReplies.Peek().After <= _recordsAcked)
        {
            var (to, reply, _) = _heldReplies.Dequeue();
            to.Tell(reply, Self);
        }
        OnSnapshotRecorded();
    }

    private void Reply(IActorRef to, ConfigReply reply)
    {
        if (_heldReplies.Count == 0 && _recordsAcked >= _recordsSent) to.Tell(reply, Self);
        else _heldReplies.Enqueue((to, reply, _recordsSent));
    }

    private static bool Mutates(ConfigOperation operation) => operation is ConfigOperation.WriteStatus or ConfigOperation.WriteDriverFeatures
        or ConfigOperation.SetupQueue or ConfigOperation.EnableMsix;

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => _backendStrategy;

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
        Context.System.Scheduler.ScheduleTellOnce(_profile.Timing.DoorbellCost, Self, DoorbellDue.Instance, Self);
    }

    private void OnQueueFault(int queue, string reason) => OnDeviceFault($"queue {queue}: {reason}");

    private void OnDeviceFault(string reason)
    {
        if (_context.Model.Status.Has(DeviceStatus.DeviceNeedsReset)) return;
        _metrics.Add(FleetCounter.DeviceNeedsReset);
        _context.Model.SetNeedsReset(reason);
        ReportNeedsReset();
        Record();
    }

    // Keeps the run's report in step with DEVICE_NEEDS_RESET: set with its reason, cleared by the driver's reset.
    private void ReportNeedsReset()
    {
        if (_health is null) return;
        var model = _context.Model;
        _health.NeedsResetReason = model.Status.Has(DeviceStatus.DeviceNeedsReset) ? model.NeedsResetReason : null;
    }

    private void OnLine(bool asserted)
    {
        if (asserted && _driver is not null)
            Context.System.Scheduler.ScheduleTellOnce(_profile.Timing.InterruptCost, _driver, InterruptMessage.Line, Self);
    }

    private void OnMsix(ushort vector, uint data)
    {
        if (_driver is not null)
        {
            var message = _vectors.TryGetValue(vector, out var cached) && cached.Data == data
                ? cached
                : _vectors[vector] = new InterruptMessage(InterruptKind.Msix, vector, data);
            Context.System.Scheduler.ScheduleTellOnce(_profile.Timing.InterruptCost, _driver, message, Self);
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
        ReportNeedsReset(); // a reset clears it; a refused setup may have set it
        if (IsFlow) FlowAfterConfig();
        if (_journal is null)
        {
            Sender.Tell(reply, Self);
            return;
        }
        if (Mutates(r.Operation)) Record();
        Reply(Sender, reply);
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
                ushort back = ProgramMsix(vectors);
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

    // Programs and enables MSI-X vectors 0..n-1 (message data = vector number) and maps the config vector to 0.
    private ushort ProgramMsix(int vectors)
    {
        if (_port is not PciDriverPort pciPort) return MsixVector.NoVector;
        for (int v = 0; v < vectors; v++) pciPort.ProgramMsixVector(v, 0xFEE0_0000UL, (uint)v);
        pciPort.EnableMsix();
        _msixVectors = vectors;
        return pciPort.SetConfigMsixVector(0);
    }

    private static ConfigReply Ok(ConfigRequest r, ulong value0 = 0, ulong value1 = 0) => new(r.Tag, r.Operation, true, value0, value1);

    private sealed class DoorbellDue
    {
        public static readonly DoorbellDue Instance = new();
    }

    private sealed record CoalesceDue(int Queue);

    private sealed record DmaTimeoutDue(int Queue);

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

        public void ResumeQueue(int queue) => endpoint._queues[queue].Resume();

        public void StartDmaTimer(int queue, TimeSpan timeout)
        {
            if (endpoint._boundsDma) endpoint.Timers.StartSingleTimer(endpoint._dmaTimerKeys[queue], new DmaTimeoutDue(queue), timeout);
        }

        public void CancelDmaTimer(int queue) => endpoint.Timers.Cancel(endpoint._dmaTimerKeys[queue]);
    }

    /// <summary>The transport kind (for diagnostics).</summary>
    public override string ToString() => $"{_kind} endpoint ({_profile.Name})";
}
