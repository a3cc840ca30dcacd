using Akka.Actor;
using Virtsim.Simulation.Supervision;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Network;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vms;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Hosts;

/// <summary>
/// A physical host. It owns the IOMMU (one domain per VM, identity-mapping the VM's memory read-write), builds its
/// VMs (children named after them) and the transport endpoints of their devices (children "vm-device"), and serves
/// DMA: <see cref="DmaRead"/> / <see cref="DmaWrite"/> go through the IOMMU into guest memory (writes mark the VM's
/// dirty log) and are answered after the host's DMA latency; <see cref="DmaBatch"/> accounts a queue pass's
/// transactions and is answered after the latency the batch carries. <see cref="QueryDirtyLog"/> reads a VM's dirty log.
/// <see cref="InjectCrash"/> crashes one of its devices (or its backend), also before the device's first message.
/// <para>A cabled net device gets a <see cref="NetBackendActor"/> (child "vm-device-backend", a sibling of its endpoint,
/// since the endpoint takes its backend as one blk <see cref="Props"/>): the device's uplink sends to it and the switch
/// knows it as the device's port. The host supervises it like an endpoint supervises a blk backend: restarted, at most
/// <see cref="TransportEndpointActor.MaxBackendRestarts"/> times within <see cref="TransportEndpointActor.BackendRestartWindow"/>
/// (a limit that then applies to every child of the host: a child failing that often is in a crash loop).</para>
/// </summary>
public sealed partial class HostActor : ReceiveActor
{
    private readonly HostSpec _spec;
    private readonly IReadOnlyList<VmPlan> _vms;
    private readonly IActorRef? _network;
    private readonly FleetMetrics _metrics;
    private readonly Dictionary<uint, DeviceMemory> _dma = [];
    private readonly Dictionary<uint, List<IActorRef>> _endpoints = [];
    private readonly Dictionary<string, IActorRef> _endpointsByDevice = new(StringComparer.Ordinal);

    private readonly bool _preallocate;
    private readonly bool _trackGuestWrites;
    private readonly Dictionary<string, ResidentVm> _resident = new(StringComparer.Ordinal);
    private readonly FleetPersistence? _persistence;
    private readonly RemoteActors _remote;

    private readonly SupervisorStrategy _childStrategy = new ClockedOneForOneStrategy(TransportEndpointActor.MaxBackendRestarts,
        TransportEndpointActor.BackendRestartWindow, Akka.Actor.SupervisorStrategy.DefaultDecider.Decide);

    /// <summary>Creates the host.</summary>
    /// <param name="spec">The host.</param>
    /// <param name="vms">Its VMs.</param>
    /// <param name="network">The switch, or null.</param>
    /// <param name="metrics">The run's counters.</param>
    /// <param name="preallocateDriverWindows">
    /// Allocate every page of each device's driver window (<see cref="Drivers.DriverLayout"/>) before anything runs.
    /// Sparse guest memory allocates a page on first touch, which is not safe when a driver and a device touch a
    /// fresh page from two threads at once; the threaded dispatcher needs this (the simulation does not). The VMs'
    /// poll-mode drivers then also poll at least every <see cref="VmActor.ThreadedMinimumPollInterval"/>.
    /// </param>
    /// <param name="persistence">Where the devices and backends journal their state, or null (nothing survives a crash).</param>
    /// <param name="trackGuestWrites">True when VMs may migrate: every guest's own memory accesses then mark its dirty log.</param>
    /// <param name="remote">Endpoints and backends other nodes run for this host's devices (a cluster run with placement), or null.</param>
    public HostActor(HostSpec spec, IReadOnlyList<VmPlan> vms, IActorRef? network, FleetMetrics metrics, bool preallocateDriverWindows = false,
        FleetPersistence? persistence = null, bool trackGuestWrites = false, RemoteActors? remote = null)
    {
        _remote = remote ?? RemoteActors.None;
        _trackGuestWrites = trackGuestWrites;
        _persistence = persistence;
        _preallocate = preallocateDriverWindows;
        _spec = spec;
        _vms = vms;
        _network = network;
        _metrics = metrics;
        Receive<DmaBatch>(OnBatch);
        Receive<DmaRead>(OnRead);
        Receive<DmaWrite>(OnWrite);
        Receive<InjectIommuFault>(OnIommuFault);
        MigrationHandlers();
        FailoverHandlers();
        Receive<InjectCrash>(c =>
        {
            if (_endpointsByDevice.TryGetValue(c.Device, out var endpoint)) endpoint.Tell(c.ToDeviceMessage(), Sender);
        });
        Receive<RestoreMapping>(r =>
        {
            Iommu.Domain(r.Pasid).Map(r.Address, r.Address, r.Length, IommuPermissions.ReadWrite);
            TellDevices(r.Pasid, new IommuMappingChange(true, r.Address, r.Length));
        });
        Receive<QueryDirtyLog>(q =>
        {
            if (!_dma.TryGetValue(q.Pasid, out var memory) || memory.DirtyLog is not { } log)
            {
                Sender.Tell(new DirtyLogReport(q.Pasid, -1), Self);
                return;
            }
            int dirty = log.DirtyCount();
            if (q.Clear) log.CollectAndClear();
            Sender.Tell(new DirtyLogReport(q.Pasid, dirty), Self);
        });
    }

    /// <summary>The host's IOMMU.</summary>
    public Iommu Iommu { get; } = new();

    /// <summary>Latency of a single DMA read or write served by the host.</summary>
    public static TimeSpan TransferLatency { get; } = TimeSpan.FromMicroseconds(0.5);

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => _childStrategy;

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var vm in _vms)
        {
            var memory = VmMemory.Create(vm.Spec.MemoryBytes, _trackGuestWrites);
            var resident = AddVm(vm, memory, guest: null, vm.Spec.Name);
            foreach (var plan in vm.Devices)
            {
                if (_preallocate) Preallocate(memory.Devices, Drivers.DriverLayout.ForDevice(plan.IndexInVm).Base, Drivers.DriverLayout.WindowSize);
                CreateDevice(resident, plan, $"{vm.Spec.Name}-{plan.Spec.Name}", null, null);
            }
            var v = vm;
            var endpoints = vm.Devices.Select(d => resident.Endpoints[d.Spec.Name]).ToList();
            resident.Guest = Context.ActorOf(ActorFactory.Of(() => new VmActor(v, memory.Guest, endpoints, _metrics, _preallocate)), vm.Spec.Name);
        }
    }

    // Sets up a VM on this host: its IOMMU domain (identity-mapped read-write over its memory) and DMA view.
    private ResidentVm AddVm(VmPlan vm, VmMemory memory, IActorRef? guest, string key)
    {
        var domain = Iommu.Domain(vm.Pasid);
        domain.Map(0, 0, vm.Spec.MemoryBytes, IommuPermissions.ReadWrite);
        _dma[vm.Pasid] = new DeviceMemory(memory.Devices, domain, memory.DirtyLog);
        _endpoints[vm.Pasid] = [];
        var resident = new ResidentVm(vm, memory) { Guest = guest, Key = key };
        _resident[key] = resident;
        return resident;
    }

    // Builds a device of a VM on this host (its endpoint, and its backend: a blk backend as the endpoint's child, a
    // cabled net one as this host's), with the plan's vendor profile; at a migration's destination the endpoint
    // restores the source's snapshot (incoming) and offers exactly `offer`.
    private IActorRef CreateDevice(ResidentVm vm, DevicePlan plan, string name, IncomingMigration? incoming, Virtio.Features.FeatureSet? offer)
    {
        var (endpoint, netBackend) = BuildDevice(vm, plan, name, incoming, offer);
        Register(vm, plan.Spec.Name, endpoint, netBackend);
        return endpoint;
    }

    // Builds the device's actors (and attaches a cabled net device's backend to the switch) without making them the
    // VM's device yet: a device switch builds the new implementation beside the running one.
    private (IActorRef Endpoint, IActorRef? NetBackend) BuildDevice(ResidentVm vm, DevicePlan plan, string name, IncomingMigration? incoming,
        Virtio.Features.FeatureSet? offer)
    {
        var memory = vm.Memory;
        // A device another node runs (placement): its endpoint exists already and reaches this host by messages. One
        // arriving by migration is built there now (its incoming incarnation recovers the snapshot from the journal).
        var placed = incoming is null
            ? _remote.Endpoints.TryGetValue(plan.Path, out var remoteEndpoint) ? remoteEndpoint : null
            : _remote.Incoming?.Invoke(new IncomingPlacedDevice(plan, vm.Plan, Self, name, incoming, offer));
        // A cabled net device reaches the switch through its backend, which the switch knows as the port. The
        // backend is created first (the uplink needs its ref) and finds the device by path.
        var netBackend = plan.Spec.Kind == DeviceKind.Net && _network is not null
            ? Context.ActorOf(NetBackendActor.For(plan, _network, placed?.Path ?? Self.Path.Child(name), _metrics), NetBackendActor.NameFor(name))
            : null;
        if (placed is not null)
        {
            Attach(vm, placed, netBackend, incoming is null ? plan.Mac : null);
            return (placed, netBackend);
        }
        var uplink = plan.Spec.Kind == DeviceKind.Net ? new FrameUplink(netBackend ?? _network, netBackend is not null, new FrameLoss(plan)) : null;
        var handler = DeviceFactory.Create(plan, uplink, offer);
        // A blk device's backend owns the disk; the disk object outlives the backend's restarts.
        // With persistence the backend rebuilds the disk object from its journal at every start.
        var disk = plan.Spec.Kind == DeviceKind.Blk ? plan.Store ?? new MemoryBlockStore(plan.Spec.DiskSectors) : null;
        // At flow fidelity the device serves its disk itself: no backend actor.
        bool flow = plan.Spec.Fidelity == Flow.Fidelity.Flow;
        var flowSetup = flow ? new TransportEndpointActor.FlowSetup(disk, plan.Spec.FlowBatch) : null;
        // A backend another node runs (placement) takes the device's requests as messages; the disk is there.
        var remoteBackend = incoming is null && _remote.Backends.TryGetValue(plan.Path, out var placedBackend) ? placedBackend : null;
        var backend = disk is null || flow || remoteBackend is not null ? null
            : _persistence is null ? BackendActor.For(plan, disk, _metrics)
            : PersistentBackendActor.For(plan, disk, _metrics, _persistence);
        // Each device translates through its own copy of the VM's domain (only its actor touches it); the
        // host keeps the copies in step by message. The dirty log is thread-safe (atomic bit sets). A device whose
        // dirty tracking is off (a misconfiguration a migration must catch) writes without marking it.
        var deviceDomain = new IommuDomain(vm.Plan.Pasid);
        deviceDomain.Map(0, 0, vm.Plan.Spec.MemoryBytes, IommuPermissions.ReadWrite);
        var deviceMemory = new DeviceMemory(memory.Devices, deviceDomain, plan.Spec.DirtyTracking ? memory.DirtyLog : null);
        var p = plan;
        uint pasid = vm.Plan.Pasid;
        var host = Self; // read now: the delegate runs in the new actor's context, where Self is the endpoint
        var endpoint = Context.ActorOf(ActorFactory.Of(() => new TransportEndpointActor(p.Spec.Transport, handler, deviceMemory, p.Spec.Profile,
            host, pasid, _metrics, uplink, backend, _persistence, p.Path, p.Health, incoming, flowSetup, null, remoteBackend)), name);
        // A device created by the world announces its MAC at link-up; one arriving by migration announces it
        // at the switchover (L2SwitchActor.Announce), not before: until then its frames belong to the source.
        Attach(vm, endpoint, netBackend, incoming is null ? plan.Mac : null);
        return (endpoint, netBackend);
    }

    // Makes the device's endpoint known to the host (IOMMU changes, DMA domain checks) and cables a net device's
    // backend to the switch, announcing `mac` (null: not yet).
    private void Attach(ResidentVm vm, IActorRef endpoint, IActorRef? netBackend, byte[]? mac)
    {
        _endpoints[vm.Plan.Pasid].Add(endpoint);
        if (netBackend is not null) _network!.Tell(new L2SwitchActor.AttachPort(netBackend, mac), Self);
    }

    // Makes the built device the VM's device `device` (faults and the migrations find it under the VM's key).
    private void Register(ResidentVm vm, string device, IActorRef endpoint, IActorRef? netBackend)
    {
        _endpointsByDevice[$"{vm.Key}/{device}"] = endpoint;
        vm.Endpoints[device] = endpoint;
        if (netBackend is not null) vm.NetBackends[device] = netBackend;
        else vm.NetBackends.Remove(device);
    }

    private void OnBatch(DmaBatch b)
    {
        NoteServed(b);
        _metrics.Add(FleetCounter.DmaDescriptor, b.Descriptors);
        _metrics.Add(FleetCounter.DmaRingIndex, b.RingIndex);
        _metrics.Add(FleetCounter.DmaRingEntry, b.RingEntries);
        _metrics.Add(FleetCounter.DmaDataRead, b.DataReads);
        _metrics.Add(FleetCounter.DmaDataWrite, b.DataWrites);
        _metrics.Add(FleetCounter.DmaEventSuppression, b.EventSuppression);
        Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromTicks(Math.Max(0, b.LatencyTicks)), Sender, new DmaCompleted(b.Tag, []), Self);
    }

    // A read or write through the VM's IOMMU domain: the only way a device on another node reaches guest memory (the
    // bytes travel in the messages); a write marks the VM's dirty log.
    private void OnRead(DmaRead r)
    {
        _metrics.Add(FleetCounter.DmaTransfers);
        CountRemote(r.Length);
        if (OutsideDomain(r.Pasid))
        {
            Fault(r.Tag, MemoryFaultKind.IommuNoMapping, r.Address, false, $"domain {r.Pasid} is not the device's VM's");
            return;
        }
        if (!_dma.TryGetValue(r.Pasid, out var memory))
        {
            Fault(r.Tag, MemoryFaultKind.IommuNoMapping, r.Address, false, $"host {_spec.Name} has no IOMMU domain {r.Pasid}");
            return;
        }
        if (r.Length > DmaRead.MaxLength)
        {
            Fault(r.Tag, MemoryFaultKind.IommuNoMapping, r.Address, false, $"a DMA read of {r.Length} bytes is longer than {DmaRead.MaxLength}");
            return;
        }
        var data = new byte[r.Length];
        if (!memory.TryRead(r.Address, data, MemoryAccessKind.Data))
        {
            Fault(r.Tag, memory.LastFault.Kind, memory.LastFault.Address, false, Refusal(r.Pasid, "read", r.Length, r.Address, memory.LastFault));
            return;
        }
        Context.System.Scheduler.ScheduleTellOnce(TransferLatency, Sender, new DmaCompleted(r.Tag, data), Self);
    }

    private void OnWrite(DmaWrite w)
    {
        _metrics.Add(FleetCounter.DmaTransfers);
        CountRemote(w.Data.Length);
        if (OutsideDomain(w.Pasid))
        {
            Fault(w.Tag, MemoryFaultKind.IommuNoMapping, w.Address, true, $"domain {w.Pasid} is not the device's VM's");
            return;
        }
        if (!_dma.TryGetValue(w.Pasid, out var memory))
        {
            Fault(w.Tag, MemoryFaultKind.IommuNoMapping, w.Address, true, $"host {_spec.Name} has no IOMMU domain {w.Pasid}");
            return;
        }
        if (!memory.TryWrite(w.Address, w.Data, MemoryAccessKind.Data))
        {
            Fault(w.Tag, memory.LastFault.Kind, memory.LastFault.Address, true, Refusal(w.Pasid, "write", (uint)w.Data.Length, w.Address, memory.LastFault));
            return;
        }
        Context.System.Scheduler.ScheduleTellOnce(TransferLatency, Sender, new DmaCompleted(w.Tag, []), Self);
    }

    private string Refusal(uint pasid, string access, uint length, ulong address, MemoryFault fault) =>
        $"host {_spec.Name}'s IOMMU domain {pasid} refused a {access} of {length} bytes at 0x{address:x}: {fault.Kind} at 0x{fault.Address:x}";

    // DMA from a device on another node (its sender's address has a host): the messages that crossed nodes.
    private void CountRemote(long bytes)
    {
        if (!Sender.Path.Address.HasGlobalScope) return;
        _metrics.Add(FleetCounter.RemoteDmaMessages);
        _metrics.Add(FleetCounter.RemoteDmaBytes, bytes);
    }

    private void OnIommuFault(InjectIommuFault f)
    {
        var vm = _vms.FirstOrDefault(v => v.Pasid == f.Pasid);
        if (vm is null || f.Length == 0) return;
        const ulong page = IommuDomain.PageSize;
        ulong start = f.Address / page * page;
        ulong end = Math.Min(vm.Spec.MemoryBytes, (f.Address + f.Length + page - 1) / page * page);
        if (end <= start) return;
        _metrics.Add(FleetCounter.FaultsInjected);
        // The VM's memory is identity-mapped in one piece; take the range out and put it back later.
        Iommu.Domain(f.Pasid).Unmap(start, end - start);
        TellDevices(f.Pasid, new IommuMappingChange(false, start, end - start));
        Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromTicks(Math.Max(0, f.DurationTicks)), Self, new RestoreMapping(f.Pasid, start, end - start), Self);
    }

    private static void Preallocate(GuestMemory memory, ulong start, ulong length)
    {
        foreach (var region in memory.Regions)
        {
            ulong from = Math.Max(start, region.GuestAddress), to = Math.Min(start + length, region.GuestAddress + region.Size);
            for (ulong a = from / IommuDomain.PageSize * IommuDomain.PageSize; a < to; a += IommuDomain.PageSize)
                region.GetSpan(a - region.GuestAddress, 1);
        }
    }

    // A device of this host asking for a domain not its VM's (another VM's, or none here): isolation would break,
    // so the access is refused and counted. Only endpoints are checked: they are the only DMA requesters.
    private bool OutsideDomain(uint pasid)
    {
        foreach (var (domain, endpoints) in _endpoints)
        {
            if (domain == pasid || !endpoints.Contains(Sender)) continue;
            _metrics.Add(FleetCounter.DmaOutsideDomain);
            return true;
        }
        return false;
    }

    private void TellDevices(uint pasid, IommuMappingChange change)
    {
        if (!_endpoints.TryGetValue(pasid, out var endpoints)) return;
        foreach (var e in endpoints) e.Tell(change, Self);
    }

    private void Fault(ulong tag, MemoryFaultKind kind, ulong address, bool write, string? reason = null)
    {
        _metrics.Add(FleetCounter.DmaFaults);
        Context.System.Scheduler.ScheduleTellOnce(TransferLatency, Sender, new DmaFaulted(tag, kind, address, write, reason), Self);
    }

    private sealed record RestoreMapping(uint Pasid, ulong Address, ulong Length);

    /// <summary>The host's name.</summary>
    public override string ToString() => _spec.Name;
}
