using Akka.Actor;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.MessageFaults;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// One live migration of one VM (docs/migration.md): checks the destination can present what every device negotiated
/// (refused with the reasons otherwise), runs pre-copy rounds from the VM's dirty log with QEMU's rule at the rate the
/// links really gave (<see cref="PreCopyRule"/>, <see cref="AutoConverge"/>), stops the VM and its devices (each as its
/// kind allows, its state journaled), sends what is left with the devices' state, has the destination host restore the
/// devices, and switches the guest over (memory, devices, the net devices' announce) or rolls back; in post-copy and
/// hybrid it switches first and pulls the missing pages in the background and on the guest's faults
/// (<see cref="PostCopyPages"/>). Memory moves page by page into a destination region (<see cref="GuestPages"/>); time
/// follows from bytes over the shares the coordinator gives. The guest's own page writes (<see cref="GuestDirtier"/>,
/// driven by virtual time) are simulated here for the VM while the migration watches them.
/// </summary>
public sealed class MigrationActor : ReceiveActor, IWithTimers
{
    private const string GuestTimer = "guest";
    private const string StreamTimer = "stream";
    private static readonly TimeSpan GuestTick = TimeSpan.FromMilliseconds(1);
    private readonly MigrationSpec _spec;
    private readonly MigrationSettings _settings;
    private readonly IActorRef _source;
    private readonly IActorRef _destination;
    private readonly FleetMetrics _metrics;
    private readonly IClock _clock = Context.Clock();
    private readonly long _idBase;
    private readonly Dictionary<string, DeviceModelState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceStopped> _stopped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceAdopted> _adopted = new(StringComparer.Ordinal);
    private readonly string? _destinationDown;
    private VmHandle _vm = null!;
    private SparseMemoryRegion _target = null!;
    private GuestDirtier _dirtier = null!;
    private AutoConverge? _throttle;
    private PostCopyPages? _postCopy;
    private IReadOnlyDictionary<string, IActorRef> _arrived = new Dictionary<string, IActorRef>();
    private IReadOnlyDictionary<string, IActorRef> _moving = new Dictionary<string, IActorRef>();
    private readonly Queue<(long At, ulong Page)> _faulted = new();
    private HashSet<ulong> _pending = [];
    private TimeSpan _start, _lastGuest, _roundStart, _pausedAt, _downtime;
    private long _transfer, _transfers, _memoryPages, _pagesSent, _roundPages, _deviceBytes, _postCopyPushed, _stallTicks;
    private double _roundBytes, _rate, _rateSent;
    private TimeSpan _rateAt;
    private ulong _stamp;
    private int _rounds;
    private bool _paused, _switchToPostCopy, _committed;
    private List<ulong> _mismatch = [];
    private readonly List<string> _notes = [];
    private bool _stateSaved, _memoryArrived;
    private string? _sourceCrashed;
    private readonly MigrationStreamFaults? _stream;
    private double _transferBytes;
    private TimeSpan _transferStart;
    private long _streamSequence, _streamResent, _streamDiscarded, _streamReordered, _streamExtraBytes;
    private StreamOutcome? _streamPending; // the faults of the current transfer, decided, not yet made up for

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the migration <paramref name="spec"/> (number <paramref name="index"/> of the run) between two hosts.</summary>
    /// <param name="spec">What to migrate where, how.</param>
    /// <param name="index">Its number in the scenario (keeps transfer ids apart).</param>
    /// <param name="source">The source host.</param>
    /// <param name="destination">The destination host.</param>
    /// <param name="metrics">The run's counters.</param>
    /// <param name="destinationDown">Why the destination cannot take the VM at the start, or null.</param>
    /// <param name="stream">The scenario's migration-stream faults, or null (the stream is then not cut into chunks).</param>
    public MigrationActor(MigrationSpec spec, int index, IActorRef source, IActorRef destination, FleetMetrics metrics, string? destinationDown = null,
        MigrationStreamFaults? stream = null)
    {
        _stream = stream;
        _spec = spec;
        _settings = spec.Settings;
        _source = source;
        _destination = destination;
        _metrics = metrics;
        _destinationDown = destinationDown;
        _idBase = (long)index << 32;
        Preparing();
    }

    private TimeSpan Now => _clock.Elapsed;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _start = Now;
        if (_destinationDown is not null) Finish(MigrationOutcome.Failed, _destinationDown);
        else _source.Tell(new GetVm(ResidentName), Self);
    }

    // Where the VM is and what its devices negotiated; then whether the destination can present it.
    private void Preparing()
    {
        Receive<VmMissing>(m => Finish(MigrationOutcome.Failed, m.Reason));
        Receive<VmHandle>(h =>
        {
            _vm = h;
            // A migration moves every device; a device switch only the switched one (the others run on untouched).
            _moving = Switching
                ? h.Endpoints.Where(e => _spec.DeviceVendors.ContainsKey(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)
                : h.Endpoints;
            if (_moving.Count == 0) Check();
            foreach (var e in _moving.Values) e.Tell(QueryMigrationState.Instance, Self);
        });
        Receive<DeviceMigrationState>(s =>
        {
            _states[s.Device] = s.State;
            if (_states.Count == _moving.Count) Check();
        });
        Faults();
    }

    private void Check()
    {
        var reasons = new List<string>();
        foreach (var device in MovingPlans)
        {
            var target = Destination(device);
            var offer = DeviceFactory.Create(target, null).OfferedFeatures;
            reasons.AddRange(MigrationCompatibility.Check(device.Spec.Name, _states[device.Spec.Name], target.Spec.Profile, offer, TypeOf(device)));
        }
        if (reasons.Count > 0)
        {
            Finish(MigrationOutcome.Refused, string.Join("; ", reasons));
            return;
        }
        _memoryPages = (long)(_vm.Plan.Spec.MemoryBytes / GuestPages.PageSize);
        if (Switching)
        {
            // Same host: the memory stays where it is; only the switched device stops, moves its state and resumes.
            _target = _vm.Memory.Region;
            _lastGuest = Now;
            Stop();
            return;
        }
        _target = new SparseMemoryRegion(0, _vm.Plan.Spec.MemoryBytes);
        _dirtier = new GuestDirtier(_vm.Plan.Spec.DirtyRate, _vm.Plan.Spec.WorkingSetBytes, Context.Random());
        _throttle = _settings.AutoConverge ? AutoConverge.For(_settings) : null;
        ShadowVirtqueues(true);
        _lastGuest = Now;
        if (_settings.Mode == MigrationMode.PostCopy)
        {
            Stop();
            return;
        }
        // Round 0: dirty logging starts now and every page goes (only touched pages carry bytes to copy).
        _vm.Memory.DirtyLog.CollectAndClear();
        GuestPages.CopyAll(_vm.Memory.Region, _target);
        Round(_memoryPages);
    }

    private void Round(long pages)
    {
        _roundStart = Now;
        _roundBytes = (double)pages * GuestPages.PageSize;
        _roundPages = pages;
        Transfer(_roundBytes);
        Become(Rounds);
    }

    private void Rounds()
    {
        Receive<TransferDone>(d =>
        {
            if (d.Id != _transfer || StreamHeldBack()) return;
            _rounds++;
            _pagesSent += _roundPages; // counted when they arrived: a failed round sent less
            WriteGuest();
            var dirty = _vm.Memory.DirtyLog.CollectAndClear();
            GuestPages.Copy(_vm.Memory.Region, _target, dirty);
            var took = Now - _roundStart;
            // QEMU's threshold uses the bandwidth it measured, not its cap: a shared link gives a smaller one.
            double rate = took > TimeSpan.Zero ? _roundBytes / took.TotalSeconds : _settings.Bandwidth;
            double dirtyBytes = (double)dirty.Count * GuestPages.PageSize;
            if (_throttle is not null && _throttle.OnSync(took, dirtyBytes, _roundBytes)) _dirtier.ThrottlePercent = _throttle.ThrottlePercent;
            var decision = PreCopyRule.Decide(dirtyBytes, rate, _rounds, _settings);
            if (!decision.Stops)
            {
                Round(dirty.Count);
                return;
            }
            _pending = [.. dirty];
            _switchToPostCopy = decision.Action == PreCopyAction.SwitchToPostCopy;
            Stop();
        });
        Receive<TransferRate>(_ => { });
        Faults();
    }

    // The switchover starts: the guest stops (for a device switch only the switched device's driver), and every
    // moving device stops as its kind allows and journals its state.
    private void Stop()
    {
        WriteGuest();
        _pausedAt = Now;
        _paused = true;
        if (Switching)
            foreach (var device in _moving.Keys) _vm.Guest.Tell(new PauseDriver(device), Self);
        else _vm.Guest.Tell(PauseGuest.Instance, Self);
        Become(Stopping);
        foreach (var e in _moving.Values) e.Tell(new StopForMigration(Self), Self);
        if (_moving.Count == 0) Stopped();
    }

    private void Stopping()
    {
        Receive<DeviceStopped>(s =>
        {
            _stopped[s.Device] = s;
            if (_stopped.Count == _moving.Count) Stopped();
        });
        Receive<TransferRate>(_ => { });
        Faults();
    }

    // Nothing writes any more: the last dirty pages, then the bytes of the stop (memory and device state).
    private void Stopped()
    {
        _stateSaved = true; // every moving device's snapshot is durable
        _deviceBytes = _stopped.Values.Sum(s => s.StateBytes);
        if (Switching)
        {
            // Nothing crosses a link: the new implementations take the state on this host at once.
            Become(FinalCopy);
            Arrived();
            return;
        }
        var late = _vm.Memory.DirtyLog.CollectAndClear();
        GuestPages.Copy(_vm.Memory.Region, _target, late);
        _pending.UnionWith(late);
        double bytes = _deviceBytes;
        if (_settings.Mode == MigrationMode.PostCopy)
        {
            // Switch first: the contents are in place at once (what the guest reads is right), the pages' arrival
            // is timed by the background push and the faults.
            GuestPages.CopyAll(_vm.Memory.Region, _target);
            _postCopy = new PostCopyPages((ulong)_memoryPages);
        }
        else if (_switchToPostCopy)
        {
            _postCopy = PostCopyPages.Of((ulong)_memoryPages, _pending.Order());
        }
        else
        {
            _pagesSent += _pending.Count;
            bytes += (double)_pending.Count * GuestPages.PageSize;
        }
        Transfer(bytes);
        Become(FinalCopy);
    }

    private void FinalCopy()
    {
        Receive<TransferDone>(d =>
        {
            if (d.Id == _transfer && !StreamHeldBack()) Arrived();
        });
        Receive<Refusals>(r =>
        {
            if (Switching)
            {
                // The new implementation is built beside the old one on the same host; the VM's other devices stay.
                foreach (var device in MovingPlans)
                {
                    string name = device.Spec.Name;
                    _destination.Tell(new AdoptDevice(ResidentName, Destination(device), Self, _states[name].OfferedFeatures,
                        r.Devices.GetValueOrDefault(name), $"{ArrivingPrefix}{_vm.Plan.Spec.Name}-{name}"), Self);
                }
                Become(Adopting);
                return;
            }
            var offers = _vm.Plan.Devices.ToDictionary(d => d.Spec.Name, d => _states[d.Spec.Name].OfferedFeatures, StringComparer.Ordinal);
            var plan = _vm.Plan with { Devices = [.. _vm.Plan.Devices.Select(Destination)] };
            _destination.Tell(new AdoptVm(plan, VmMemory.Arriving(_target, _vm.Memory.Guest), _vm.Guest, Self, offers, r.Devices, ArrivingPrefix), Self);
            Become(Adopting);
        });
        Receive<TransferRate>(_ => { });
        Faults();
    }

    // Memory and device state are at the destination: compare the copies, then hear of refusals to inject.
    private void Arrived()
    {
        // With dirty tracking the destination now holds exactly the source's memory; a device whose writes were not
        // tracked leaves pages that differ: found here by comparing every touched page, and reported. (A switch keeps
        // the one copy.)
        if (!Switching) _mismatch = GuestPages.Differences(_vm.Memory.Region, _target);
        _memoryArrived = _postCopy is null;
        Context.Parent.Tell(new ClaimRefusals([.. MovingPlans.Select(d => d.Path)]), Self);
    }

    private void Adopting()
    {
        Receive<VmMissing>(m => Fail(MigrationOutcome.Failed, m.Reason));
        Receive<VmAdopting>(a =>
        {
            _arrived = a.Endpoints;
            if (a.Endpoints.Count == 0) Adopted();
        });
        Receive<DeviceAdopted>(d =>
        {
            _adopted[d.Device] = d;
            if (_adopted.Count == _moving.Count) Adopted();
        });
        Receive<TransferRate>(_ => { });
        Faults();
    }

    private void Adopted()
    {
        var refused = _adopted.Values.Where(a => !a.Ok).Select(a => $"{a.Device}: {a.Reason}").ToList();
        if (refused.Count > 0)
        {
            Fail(MigrationOutcome.RolledBack, "destination refused the device state, rolled back to the source: " + string.Join("; ", refused));
            return;
        }
        _committed = true;
        if (Switching)
        {
            // The switched device's driver goes on with the new implementation (no renegotiation: it restored the
            // negotiated state); the downtime is that device's, from its stop to its resume.
            _vm.Guest.Tell(new SwitchDevices(_arrived), Self);
            foreach (var device in _moving.Keys)
            {
                _destination.Tell(new CommitDeviceSwitch(ResidentName, device), Self);
                _vm.Guest.Tell(new ResumeDriver(device), Self);
            }
            _paused = false;
            _downtime = Now - _pausedAt;
            Finish(MigrationOutcome.Completed, CompletedReason());
            return;
        }
        // The switchover: the guest goes on over the destination's memory with the destination's devices.
        var memory = VmMemory.Arriving(_target, _vm.Memory.Guest);
        memory.AttachGuest();
        _vm.Guest.Tell(new SwitchDevices(_arrived), Self);
        _destination.Tell(new ResumeVm(ArrivingPrefix + _spec.Vm), Self);
        _source.Tell(new ReleaseVm(ResidentName), Self);
        _vm.Guest.Tell(ResumeGuest.Instance, Self);
        _paused = false;
        _downtime = Now - _pausedAt;
        _lastGuest = Now;
        if (_postCopy is null)
        {
            Finish(MigrationOutcome.Completed, CompletedReason());
            return;
        }
        _rate = _rateSent = 0;
        _rateAt = Now;
        Transfer((double)_postCopy.Missing * GuestPages.PageSize);
        Timers.StartPeriodicTimer(GuestTimer, GuestTickDue.Instance, GuestTick);
        Become(PostCopy);
    }

    private void PostCopy()
    {
        Receive<TransferRate>(r =>
        {
            if (r.Id != _transfer) return;
            _rate = r.Rate;
            _rateSent = r.Sent;
            _rateAt = Now;
        });
        Receive<GuestTickDue>(_ => PostCopyStep());
        Receive<TransferDone>(d =>
        {
            if (d.Id != _transfer) return;
            PostCopyStep();
            while (_postCopy!.TryNextBackground(out ulong page)) Arrive(page);
            Timers.Cancel(GuestTimer);
            Finish(MigrationOutcome.Completed, CompletedReason());
        });
        Faults();
    }

    // Post-copy's time step: pages the link delivered since, pages the guest faulted in, then the guest's writes.
    private void PostCopyStep()
    {
        var pages = _postCopy!;
        long sent = (long)((_rateSent + _rate * (Now - _rateAt).TotalSeconds) / GuestPages.PageSize);
        while (_postCopyPushed + pages.Faults < sent && pages.TryNextBackground(out ulong page))
        {
            Arrive(page);
            _postCopyPushed++;
        }
        while (_faulted.Count > 0 && _faulted.Peek().At <= Now.Ticks) Arrive(_faulted.Dequeue().Page);
        // The guest runs at the destination; a touch of a missing page stalls its vCPU for a round trip.
        var elapsed = Now - _lastGuest;
        _lastGuest = Now;
        long stall = Math.Min(_stallTicks, elapsed.Ticks);
        _stallTicks -= stall;
        long due = _dirtier.Advance(elapsed - TimeSpan.FromTicks(stall));
        Span<ulong> drawn = stackalloc ulong[64];
        while (due > 0)
        {
            var batch = drawn[..(int)Math.Min(due, drawn.Length)];
            _dirtier.Draw(batch);
            due -= batch.Length;
            foreach (ulong page in batch)
            {
                if (pages.Touch(page) == PostCopyAccess.Fault)
                {
                    _faulted.Enqueue((Now.Ticks + _spec.PostCopyRoundTrip.Ticks, page));
                    _stallTicks += _spec.PostCopyRoundTrip.Ticks;
                }
                _vm.Memory.Guest.TryWriteU64(page * GuestPages.PageSize, ++_stamp);
            }
            _metrics.Add(FleetCounter.GuestPageWrites, batch.Length);
        }
    }

    private void Arrive(ulong page)
    {
        if (_postCopy!.MarkArrived(page)) _pagesSent++;
    }

    // The guest's writes since the last look, into its view of memory (which marks the dirty log); none while stopped.
    private void WriteGuest()
    {
        var elapsed = Now - _lastGuest;
        _lastGuest = Now;
        if (_paused || elapsed <= TimeSpan.Zero || Switching) return;
        var sink = new GuestWriteSink(_vm.Memory.Guest, _stamp);
        long written = _dirtier.Write(elapsed, ref sink);
        _stamp = sink.Stamp;
        _metrics.Add(FleetCounter.GuestPageWrites, written);
    }

    // A host crash or a link failure, or a source device's crash, in any phase.
    private void Faults()
    {
        Receive<SourceDeviceCrashed>(c =>
        {
            if (c.StateSaved)
            {
                // Its snapshot is durable: the destination's device recovers from it as if nothing had happened.
                _notes.Add($"source device {c.Device} crashed after its device state was saved; resumed from snapshot");
                return;
            }
            if (!_committed)
                Fail(MigrationOutcome.Failed, $"source device {c.Device} crashed before its device state was saved; it recovers from its journal and the VM runs on at the source");
        });
        Receive<HostFailed>(f =>
        {
            if (f.Host != _spec.From && f.Host != _spec.To) return;
            if (f.Crashed && f.Host == _spec.From && !Switching && !_committed && _stateSaved && _memoryArrived)
            {
                // Every device's snapshot is durable and the destination holds the memory: the source has nothing
                // the switchover still needs, so it finishes from the snapshot.
                _sourceCrashed = $"source host {f.Host} crashed after the device state was saved; resumed from snapshot";
                _notes.Add(_sourceCrashed);
                return;
            }
            bool lostTheVm = f.Crashed && (f.Host == _spec.From ? !_committed || _postCopy is not null : _committed);
            if (lostTheVm)
            {
                Finish(MigrationOutcome.VmLost, f.Host == _spec.From && _committed
                    ? $"source host {f.Host} crashed during post-copy with {_postCopy!.Missing} pages still there: the VM is lost"
                    : f.Host == _spec.From && _stateSaved && !Switching
                    ? $"source host {f.Host} crashed after the device state was saved but before the destination had the memory ({(_postCopy is not null ? "post-copy had not begun" : "the stop-and-copy was in flight")}): the VM is lost"
                    : $"host {f.Host} crashed with the VM on it");
                return;
            }
            if (_committed) return; // post-copy over a failed link waits for it (QEMU's postcopy recovery)
            if (!f.Crashed && _spec.OnLinkFailure == LinkFailurePolicy.Retry) return; // the transfer waits at rate 0
            Fail(MigrationOutcome.Failed, f.Crashed
                ? $"destination host {f.Host} crashed during the migration; the VM runs on at the source"
                : $"the link of {f.Host} failed mid-transfer; aborted, the VM runs on at the source");
        });
    }

    // The migration ends before the switchover: the VM goes on at the source, unchanged (unless the source is gone).
    private void Fail(MigrationOutcome outcome, string reason)
    {
        if (_sourceCrashed is not null)
        {
            if (_transfer != 0) Context.Parent.Tell(new CancelTransfer(_transfer), Self);
            if (_arrived.Count > 0 || _adopted.Count > 0) _destination.Tell(new ReleaseVm(ArrivingPrefix + _spec.Vm), Self);
            Finish(MigrationOutcome.VmLost, $"{_sourceCrashed}, but then: {reason}; the VM is lost");
            return;
        }
        if (_transfer != 0) Context.Parent.Tell(new CancelTransfer(_transfer), Self);
        if (_arrived.Count > 0 || _adopted.Count > 0)
        {
            if (Switching)
                foreach (var device in _moving.Keys) _destination.Tell(new CancelDeviceSwitch(ResidentName, device), Self);
            else _destination.Tell(new ReleaseVm(ArrivingPrefix + _spec.Vm), Self);
        }
        ShadowVirtqueues(false);
        if (_paused)
        {
            foreach (var e in _moving.Values) e.Tell(ResumeAfterMigration.Instance, Self);
            if (Switching)
                foreach (var device in _moving.Keys) _vm.Guest.Tell(new ResumeDriver(device), Self);
            else _vm.Guest.Tell(ResumeGuest.Instance, Self);
            _paused = false;
            _downtime = Now - _pausedAt;
        }
        Finish(outcome, reason);
    }

    private void Finish(MigrationOutcome outcome, string reason)
    {
        Timers.CancelAll();
        if (_transfer != 0 && outcome == MigrationOutcome.VmLost) Context.Parent.Tell(new CancelTransfer(_transfer), Self);
        var result = new MigrationResult
        {
            Vm = _spec.VmPath,
            From = _spec.From,
            To = _spec.To,
            Mode = _settings.Mode,
            Outcome = outcome,
            Reason = reason,
            Rounds = _rounds,
            MemoryBytesSent = _pagesSent * GuestPages.PageSize + _streamExtraBytes,
            PagesResent = Math.Max(0, _pagesSent - _memoryPages),
            DeviceStateBytes = _deviceBytes,
            Downtime = _downtime,
            TotalTime = Now - _start,
            PostCopyFaults = _postCopy?.Faults ?? 0,
            MemoryMismatchPages = _mismatch,
            StreamChunksResent = _streamResent,
            StreamChunksDiscarded = _streamDiscarded,
            StreamChunksReordered = _streamReordered,
        };
        string? location = outcome switch
        {
            MigrationOutcome.Completed => _spec.To,
            MigrationOutcome.VmLost => null,
            _ => _spec.From,
        };
        Context.Parent.Tell(new MigrationFinished(Switched(_spec, result, _vm), _spec.VmPath, location), Self);
        Context.Stop(Self);
        Become(() => ReceiveAny(_ => { }));
    }

    /// <summary>
    /// A device switch's <paramref name="result"/> with the device and its vendors (before: from the VM's plan, when
    /// known); a migration's unchanged.
    /// </summary>
    internal static MigrationResult Switched(MigrationSpec spec, MigrationResult result, VmHandle? vm)
    {
        if (spec.Settings.Mode != MigrationMode.DeviceSwitch) return result;
        var (device, vendor) = spec.DeviceVendors.Single();
        return result with
        {
            Device = device,
            FromVendor = vm?.Plan.Devices.FirstOrDefault(d => d.Spec.Name == device)?.Spec.Profile.Name ?? "",
            ToVendor = vendor.Name,
        };
    }

    private void Transfer(double bytes)
    {
        _transferBytes = bytes;
        _transferStart = Now;
        _streamPending = null;
        Send(bytes);
    }

    private void Send(double bytes)
    {
        _transfer = _idBase + ++_transfers;
        Context.Parent.Tell(new StartTransfer(_transfer, bytes, _settings.Bandwidth, _spec.From, _spec.To), Self);
    }

    // With migration-stream faults, a pre-copy round or the stop-and-copy that crossed is checked chunk by chunk: the
    // destination has lost and corrupted chunks resent (one more transfer of their bytes, duplicates' bytes with them),
    // then waits for the latest delayed one; a chunk lost MaxLosses times in a row breaks the stream. True while the
    // transfer is held back (its completion comes again as a TransferDone of the transfer then current).
    private bool StreamHeldBack()
    {
        if (_stream is null || Switching) return false;
        if (_streamPending is null)
        {
            var devices = _vm.Plan.Devices.Select(d => (d.Path, d.Spec.Profile.Name)).ToList();
            var outcome = _stream.Send(_transferBytes, _streamSequence, _transferStart, Now, _spec.From, _spec.To, devices);
            _streamSequence += outcome.Chunks;
            _streamResent += outcome.Resent;
            _streamDiscarded += outcome.Discarded;
            _streamReordered += outcome.Reordered;
            _streamExtraBytes += outcome.ExtraBytes;
            if (outcome.LostChunk is { } chunk)
            {
                string lost = $"migration stream: chunk {chunk} lost {MigrationStreamFaults.MaxLosses} times";
                if (_spec.OnLinkFailure == LinkFailurePolicy.Retry)
                {
                    // As over a failed link: the transfer starts again from its first chunk.
                    _notes.Add(lost + "; the transfer was sent again");
                    _streamExtraBytes += (long)_transferBytes;
                    Transfer(_transferBytes);
                    return true;
                }
                Fail(MigrationOutcome.Failed, lost + "; aborted, the VM runs on at the source");
                return true;
            }
            _streamPending = outcome;
            if (outcome.ExtraBytes > 0)
            {
                Send(outcome.ExtraBytes);
                return true;
            }
        }
        if (_streamPending.Delay > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(StreamTimer, new TransferDone(_transfer), _streamPending.Delay);
            _streamPending = _streamPending with { Delay = TimeSpan.Zero };
            return true;
        }
        _streamPending = null;
        return false;
    }

    // vDPA devices that cannot log their own writes are relayed through a shadow virtqueue while the migration runs.
    private void ShadowVirtqueues(bool on)
    {
        if (_vm is null) return;
        foreach (var device in _vm.Plan.Devices)
            if (device.Spec.Profile is { Backend: BackendKind.Vdpa, LogsDirtyPages: false }) _vm.Endpoints[device.Spec.Name].Tell(new ShadowVirtqueue(on), Self);
    }

    private DevicePlan Destination(DevicePlan device) => _spec.DeviceVendors.TryGetValue(device.Spec.Name, out var profile)
        ? device with { Spec = device.Spec with { Profile = profile } }
        : device;

    private static DeviceType TypeOf(DevicePlan device) => device.Spec.Kind == DeviceKind.Blk ? DeviceType.Block : DeviceType.Net;

    private string ArrivingPrefix => _spec.ArrivingPrefix;

    private string ResidentName => _spec.Resident ?? _spec.Vm;

    private bool Switching => _settings.Mode == MigrationMode.DeviceSwitch;

    // The devices that move: all of the VM's, or a device switch's one.
    private IEnumerable<DevicePlan> MovingPlans => _vm.Plan.Devices.Where(d => _moving.ContainsKey(d.Spec.Name));

    private string CompletedReason() => string.Join("; ", _mismatch.Count == 0 ? _notes : [.. _notes, MismatchReason()]);

    private string MismatchReason() =>
        $"destination memory differs from the source's in {_mismatch.Count} page(s) at the switchover (a device's writes were not dirty-tracked): "
        + string.Join(", ", _mismatch.Take(16).Select(p => $"0x{p * GuestPages.PageSize:x}")) + (_mismatch.Count > 16 ? ", ..." : "");

    private sealed class GuestTickDue
    {
        public static readonly GuestTickDue Instance = new();
    }
}
