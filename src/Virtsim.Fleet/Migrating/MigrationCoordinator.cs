using Akka.Actor;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Waves;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Environment;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// The world's migration control plane (<c>/user/migrations</c>), as libvirt and the network are to a rack: it starts
/// each scheduled migration as a child <see cref="MigrationActor"/>, moves every migration's bytes over the hosts' NIC
/// links with max-min fair shares (a <see cref="TransferSchedule"/>, solved again whenever a transfer starts, ends or a
/// link changes; each transfer's owner hears of its rate), injects the hosts' faults (crash, link failure, a refused
/// device state), knows where each VM runs, and keeps the <see cref="MigrationLog"/>. Host i's NIC is link 2i out and
/// 2i + 1 in.
/// </summary>
public sealed class MigrationCoordinator : ReceiveActor, IWithTimers
{
    private const string TickTimer = "transfers";
    private readonly WorldSpec _spec;
    private readonly FleetWorld _world;
    private readonly MigrationLog _log;
    private readonly IClock _clock = Context.Clock();
    private readonly TransferSchedule _links = new();
    private readonly FleetLinks _topology;
    private readonly Dictionary<string, int> _hostIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<long, IActorRef> _owners = [];
    private readonly Dictionary<long, double> _rates = [];
    private readonly Dictionary<string, string> _location = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _residentName = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, MigrationSpec> _running = [];
    private readonly Dictionary<string, string> _refusals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _migrating = [];
    private readonly Dictionary<IActorRef, (int Index, TimeSpan Start)> _started = [];
    // Wave moves are numbered after the migrations and device switches: global index - _waveBase -> (wave, move).
    private readonly int _waveBase;
    private readonly List<(int Wave, int Move)> _waveMoves = [];
    private readonly List<WaveGate> _gates = [];

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the coordinator of <paramref name="world"/>'s migrations, reporting into <paramref name="log"/>.</summary>
    public MigrationCoordinator(FleetWorld world, MigrationLog log)
    {
        _world = world;
        _spec = world.Spec;
        _log = log;
        _topology = new FleetLinks([.. _spec.Hosts.Select(h => h.Bandwidth)], _spec.Racks?.HostsPerRack ?? 0,
            _spec.Racks?.TorBandwidth ?? 0, _spec.Racks?.SpineBandwidth ?? 0);
        _waveBase = _spec.Migrations.Count + _spec.DeviceSwitches.Count;
        foreach (var wave in _spec.Waves)
        {
            for (int k = 0; k < wave.Migrations.Count; k++) _waveMoves.Add((wave.Index, k));
            _gates.Add(new WaveGate(wave.Limits, wave.Plan.Moves, h => _topology.RackOf(h)));
        }
        Receive<Begin>(b => OnBegin(b.Index < _spec.Migrations.Count ? _spec.Migrations[b.Index] : SwitchAt(b.Index), b.Index));
        Receive<OpenWave>(o => OpenWaveNow(o.Wave));
        _links.Usage = log.LinkUsage;
        log.Links = _topology;
        Receive<StartTransfer>(t =>
        {
            _links.Add(t.Id, t.Bytes, t.Cap, _topology.Path(_hostIndex[t.From], _hostIndex[t.To]), Now);
            _owners[t.Id] = Sender;
            Reschedule();
        });
        Receive<CancelTransfer>(c =>
        {
            if (_links.Remove(c.Id, Now)) Forget(c.Id);
            Reschedule();
        });
        Receive<Tick>(_ =>
        {
            foreach (var (id, _) in _links.TakeFinished(Now))
            {
                _owners[id].Tell(new TransferDone(id), Self);
                Forget(id);
            }
            Reschedule();
        });
        Receive<HostFault>(OnHostFault);
        Receive<InjectHostCrash>(c => OnHostFault(new HostFault(new FaultSpec(_clock.Elapsed, ScheduledFaultKind.HostCrash, "", c.Host), Restore: false)));
        Receive<ClaimRefusals>(c =>
        {
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var device in c.Devices)
                if (_refusals.Remove(device, out var reason)) claimed[device[(device.LastIndexOf('/') + 1)..]] = reason;
            Sender.Tell(new Refusals(claimed), Self);
        });
        Receive<MigrationFinished>(OnFinished);
        Receive<InjectCrash>(OnCrashFault);
    }

    private long Now => _clock.Elapsed.Ticks;

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (int i = 0; i < _spec.Hosts.Count; i++)
        {
            var host = _spec.Hosts[i];
            _hostIndex[host.Name] = i;
            foreach (var vm in host.Vms) _location[$"{host.Name}/{vm.Name}"] = host.Name;
        }
        foreach (var (link, capacity) in _topology.Capacities()) _links.SetLinkCapacity(link, capacity, 0);
        _log.Pending = _spec.Migrations.Count + _spec.DeviceSwitches.Count;
        for (int i = 0; i < _spec.Migrations.Count; i++) Timers.StartSingleTimer($"migration-{i}", new Begin(i), _spec.Migrations[i].At);
        // Device switches are numbered after the migrations (their transfer ids and actor names stay apart).
        for (int j = 0; j < _spec.DeviceSwitches.Count; j++)
            Timers.StartSingleTimer($"switch-{j}", new Begin(_spec.Migrations.Count + j), _spec.DeviceSwitches[j].At);
        foreach (var wave in _spec.Waves)
        {
            _log.Waves.Add(new WaveResult(wave));
            _log.Pending += wave.Migrations.Count + wave.Plan.Unplaced.Count;
            Timers.StartSingleTimer($"wave-{wave.Index}", new OpenWave(wave.Index), wave.At);
        }
        foreach (var (fault, i) in _spec.Faults.Select((f, i) => (f, i)))
        {
            if (fault.Kind is ScheduledFaultKind.HostCrash or ScheduledFaultKind.LinkFailure or ScheduledFaultKind.RefuseDeviceState)
                Timers.StartSingleTimer($"fault-{i}", new HostFault(fault, Restore: false), fault.At);
        }
    }

    // A device switch is a migration of the VM to its own host, moving no memory, with one device's vendor changed.
    private MigrationSpec SwitchAt(int index)
    {
        var s = _spec.DeviceSwitches[index - _spec.Migrations.Count];
        var parts = s.Device.Split('/');
        return new MigrationSpec
        {
            Vm = parts[1],
            From = parts[0],
            To = parts[0],
            At = s.At,
            Settings = new MigrationSettings { Mode = MigrationMode.DeviceSwitch },
            DeviceVendors = new Dictionary<string, Vendors.VendorProfile>(StringComparer.Ordinal) { [parts[2]] = s.Vendor },
            ArrivingPrefix = $"switch{index}.",
        };
    }

    // A wave opens: the VMs it could not place are reported failed, then its gate releases the first moves.
    private void OpenWaveNow(int wave)
    {
        var spec = _spec.Waves[wave];
        foreach (var u in spec.Plan.Unplaced)
        {
            string at = _spec.Hosts[u.Host].Name;
            Record(new MigrationResult { Vm = $"{_spec.Hosts[u.From].Name}/{u.Vm}", From = at, To = at, Mode = MigrationMode.PreCopy, Outcome = MigrationOutcome.Failed,
                Reason = $"wave {wave + 1} ({spec.KindName}): {u.Reason}" }, _clock.Elapsed, wave);
        }
        StartWaveMoves(wave, _gates[wave].Open());
    }

    // Starts the released moves; one that fails at once frees its slots, which may release others.
    private void StartWaveMoves(int wave, IReadOnlyList<int> released)
    {
        var queue = new Queue<int>(released);
        int offset = _waveBase + _spec.Waves.Take(wave).Sum(w => w.Migrations.Count);
        while (queue.TryDequeue(out int move))
        {
            if (OnBegin(_spec.Waves[wave].Migrations[move], offset + move)) continue;
            foreach (int next in _gates[wave].Finished(move)) queue.Enqueue(next);
        }
    }

    private (int Wave, int Move)? WaveMoveOf(int index) => index >= _waveBase && index - _waveBase < _waveMoves.Count ? _waveMoves[index - _waveBase] : null;

    // False when the migration could not start (recorded as failed at once).
    private bool OnBegin(MigrationSpec m, int index)
    {
        string vmPath = m.VmPath;
        // The VM's key on its host changes with each move (the arriving prefix); the next move starts from it.
        m = m with { Resident = _residentName.GetValueOrDefault(vmPath) };
        string? reason = !_location.TryGetValue(vmPath, out var at) ? $"VM {vmPath} was lost before its migration"
            : at != m.From ? $"VM {vmPath} runs on {at}, not {m.From}"
            : _down.Contains(m.From) ? $"source host {m.From} is down"
            : null;
        if (reason is not null)
        {
            Record(MigrationActor.Switched(m, new MigrationResult { Vm = vmPath, From = m.From, To = m.To, Mode = m.Settings.Mode, Outcome = MigrationOutcome.Failed, Reason = reason }, null),
                _clock.Elapsed, WaveMoveOf(index)?.Wave);
            return false;
        }
        var hosts = _world.System.UserGuardianPath();
        var source = _world.System.ResolveLocal(hosts.Child(m.From));
        var destination = _world.System.ResolveLocal(hosts.Child(m.To));
        var child = Context.ActorOf(Props.Create(() => new MigrationActor(m, index, source, destination, _world.Metrics,
            _down.Contains(m.To) ? $"destination host {m.To} is down" : null, _world.MigrationStream)), $"{index}-{m.From}-{m.Vm}");
        _migrating[child] = vmPath;
        _running[child] = m;
        _started[child] = (index, _clock.Elapsed);
        return true;
    }

    private void OnHostFault(HostFault f)
    {
        var fault = f.Fault;
        if (fault.Kind == ScheduledFaultKind.RefuseDeviceState)
        {
            _refusals[fault.Device] = $"the destination refused {fault.Device}'s device state (scenario fault at {fault.At.TotalMilliseconds} ms)";
            return;
        }
        string host = fault.Host!;
        int i = _hostIndex[host];
        bool crash = fault.Kind == ScheduledFaultKind.HostCrash;
        if (f.Restore)
        {
            if (_down.Contains(host)) return; // crashed meanwhile
            _links.SetLinkCapacity(2 * i, _spec.Hosts[i].Bandwidth, Now);
            _links.SetLinkCapacity(2 * i + 1, _spec.Hosts[i].Bandwidth, Now);
            Reschedule();
            return;
        }
        _world.Metrics.Add(FleetCounter.FaultsInjected);
        _links.SetLinkCapacity(2 * i, 0, Now);
        _links.SetLinkCapacity(2 * i + 1, 0, Now);
        Reschedule();
        foreach (var child in _migrating.Keys) child.Tell(new HostFailed(host, crash), Self);
        if (!crash)
        {
            if (fault.Duration > TimeSpan.Zero) Timers.StartSingleTimer($"restore-{host}-{fault.At.Ticks}", new HostFault(fault, Restore: true), fault.Duration);
            return;
        }
        _down.Add(host);
        _world.System.ResolveLocal(_world.System.UserGuardianPath().Child(host)).Tell(CrashHost.Instance, Self);
        // VMs running there that no migration is moving are lost with it (a migrating one: its migration decides).
        foreach (var (vm, at) in _location.ToList())
            if (at == host && !_migrating.ContainsValue(vm)) LoseVm(vm);
    }

    // A scenario's device or backend crash names the device where the scenario put it ("host/vm/device"): it goes to
    // the host the VM runs on now, under the name it has there. A lost VM's devices are gone with it.
    private void OnCrashFault(InjectCrash c)
    {
        var parts = c.Device.Split('/');
        string vmPath = $"{parts[0]}/{parts[1]}";
        if (!_location.TryGetValue(vmPath, out var host)) return;
        string resident = _residentName.GetValueOrDefault(vmPath) ?? parts[1];
        _world.System.ResolveLocal(_world.System.UserGuardianPath().Child(host))
            .Tell(new InjectCrash($"{resident}/{parts[2]}", c.Target, c.Reason), ActorRefs.NoSender);
    }

    private void OnFinished(MigrationFinished f)
    {
        _migrating.Remove(Sender);
        // A migration gives the VM a new key on its destination; a device switch keeps the VM where and as it was.
        if (_running.Remove(Sender, out var m) && f.Result.Outcome == MigrationOutcome.Completed && m.Settings.Mode != MigrationMode.DeviceSwitch)
            _residentName[f.VmPath] = m.ArrivingPrefix + m.Vm;
        if (f.Location is { } location)
        {
            _location[f.VmPath] = location;
            if (_down.Contains(location)) LoseVm(f.VmPath); // its host crashed while the migration ended
        }
        else LoseVm(f.VmPath);
        var (index, start) = _started.Remove(Sender, out var s) ? s : (-1, _clock.Elapsed);
        var waveMove = WaveMoveOf(index);
        Record(f.Result, start, waveMove?.Wave);
        if (waveMove is var (wave, move)) StartWaveMoves(wave, _gates[wave].Finished(move));
    }

    private void Record(MigrationResult result, TimeSpan start, int? wave)
    {
        _log.Add(result, start);
        _log.MemoryMismatches += result.MemoryMismatchPages.Count;
        _log.Pending--;
        if (wave is not int w) return;
        var tally = _log.Waves[w];
        if (result.Outcome == MigrationOutcome.Completed) tally.Moved++;
        else tally.Failed++;
        tally.Bytes += result.MemoryBytesSent + result.DeviceStateBytes;
        if (result.Outcome != MigrationOutcome.Failed || result.TotalTime > TimeSpan.Zero)
        {
            if (tally.Start is null || start < tally.Start) tally.Start = start;
            var end = _clock.Elapsed;
            if (end > tally.End) tally.End = end;
        }
    }

    // The VM's guest (drivers and applications) stops; its workloads that had not finished are counted as lost with it.
    private void LoseVm(string vmPath)
    {
        if (!_location.Remove(vmPath)) return;
        _log.LostVms.Add(vmPath);
        var parts = vmPath.Split('/');
        _world.System.ResolveLocal(_world.System.UserGuardianPath().Child(parts[0]).Child(parts[1])).Tell(PoisonPill.Instance, Self);
        foreach (var device in _world.Devices.Where(d => d.Path.StartsWith(vmPath + "/", StringComparison.Ordinal) && !d.Workload.Done))
        {
            _log.LostWorkloads.Add(device.Path);
            _world.Metrics.WorkloadDone();
        }
    }

    private void Forget(long id)
    {
        _owners.Remove(id);
        _rates.Remove(id);
    }

    // The next finish, and every owner whose share changed hears it (post-copy follows its page arrivals with it).
    private void Reschedule()
    {
        foreach (var (id, rate, sent) in _links.Current())
        {
            if (_rates.TryGetValue(id, out var before) && before == rate) continue;
            _rates[id] = rate;
            _owners[id].Tell(new TransferRate(id, rate, sent), Self);
        }
        _log.Moving = _links.Current().Any(t => t.Rate > 0);
        if (_links.NextFinish() is { } at) Timers.StartSingleTimer(TickTimer, Tick.Instance, TimeSpan.FromTicks(Math.Max(0, at - Now)));
        else Timers.Cancel(TickTimer);
    }

    private sealed record Begin(int Index);

    private sealed record OpenWave(int Wave);

    private sealed record HostFault(FaultSpec Fault, bool Restore);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
