using Akka.Actor;
using Akka.Persistence;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// A blk backend whose disk survives crashes through a journal: the persistent variant of <see cref="BackendActor"/>
/// (same service model and messages), used when the world has a <see cref="FleetPersistence"/>. Every request that
/// changes the disk (write, discard, write-zeroes, flush) is journaled as a <see cref="DiskChange"/> and applied only
/// once the append is durable; its reply is scheduled after that, so a write is in the journal before the device can
/// complete its chain and raise the interrupt. Reads need no write (they wait, stashed, behind a write in progress).
/// <para>On every start (the first, a restart after a crash, a fresh child after its device crashed) the disk object is
/// wiped and rebuilt from the latest <see cref="DiskImage"/> snapshot and the events after it: the contents come from
/// the journal, never from the surviving object. The first event of each later incarnation is a
/// <see cref="DiskCacheLost"/>, so a replay drops the cache where the crash dropped it.</para>
/// <para>When the store fails, it records the failure for the run's report and tells its device
/// (<see cref="StoreFailed"/>) before it stops.</para>
/// </summary>
public sealed class PersistentBackendActor : FleetPersistentActor, IWithTimers
{
    private readonly BackendKind _kind;
    private readonly FleetMetrics _metrics;
    private readonly MemoryBlockStore _disk;
    private readonly BlkBackendServer _server;
    private readonly ServiceLanes<BackendReply> _lanes;
    private readonly Action<BackendReply> _sendReply;
    private readonly HashSet<ulong> _written = [];
    private readonly IClock _clock;
    private bool _cacheLossToJournal;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates one incarnation of the backend.</summary>
    /// <param name="persistenceId">The backend's journal stream.</param>
    /// <param name="persistence">The world's persistence settings.</param>
    /// <param name="kind">Where the backend runs (decides its service time model).</param>
    /// <param name="timing">The vendor's timing.</param>
    /// <param name="disk">The disk object this backend fills from its journal and then owns.</param>
    /// <param name="options">The blk device's options, the same the device actor uses.</param>
    /// <param name="metrics">The run's counters.</param>
    public PersistentBackendActor(string persistenceId, FleetPersistence persistence, BackendKind kind, VendorTiming timing, MemoryBlockStore disk,
        BlkDeviceOptions options, FleetMetrics metrics) : base(persistenceId, persistence, metrics)
    {
        _clock = Context.Clock();
        _kind = kind;
        _metrics = metrics;
        _disk = disk;
        DiskImage.Wipe(disk); // whatever the object still holds is not trusted: the journal is
        _metrics.DiskRebuilding(true);
        _server = new BlkBackendServer(disk, options);
        _lanes = new ServiceLanes<BackendReply>(new BackendServiceModel(kind, timing));
        _sendReply = reply => Context.Parent.Tell(reply, Self);

        // A restart builds a new instance, which recovers once: the snapshot (if any) comes first, onto the disk wiped above.
        Recover<SnapshotOffer>(o =>
        {
            var image = (DiskImage)o.Snapshot;
            image.ApplyTo(_disk);
            foreach (var s in image.Sectors) _written.Add(s.Sector);
        });
        Recover<DiskChange>(Apply);
        Recover<DiskCacheLost>(_ => _disk.DropCache());
        Recover<RecoveryCompleted>(_ => OnRecoveryCompleted());
        Command<BackendRequest>(OnRequest);
        Command<ServiceLaneDue>(due => _lanes.OnDue(due, _clock.Elapsed.Ticks, Timers, _sendReply));
        Command<CrashBackend>(c =>
        {
            _metrics.Add(FleetCounter.BackendCrashes);
            throw new BackendCrashException($"{_kind} backend crashed: {c.Reason}");
        });
    }

    /// <summary>The backend of blk device <paramref name="plan"/> over <paramref name="disk"/>, journaling to <paramref name="persistence"/>.</summary>
    public static Props For(DevicePlan plan, MemoryBlockStore disk, FleetMetrics metrics, FleetPersistence persistence)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(persistence);
        var profile = plan.Spec.Profile;
        var options = DeviceFactory.BlkOptions(plan);
        string id = persistence.BackendId(plan.Path);
        return Props.Create(() => new PersistentBackendActor(id, persistence, profile.Backend, profile.Timing, disk, options, metrics));
    }

    /// <inheritdoc />
    protected override object SnapshotState() => DiskImage.Capture(_disk, _written);

    private void OnRecoveryCompleted()
    {
        _metrics.DiskRebuilding(false);
        _metrics.Add(FleetCounter.BackendRecoveries);
        if (LastSequenceNr == 0) return;
        // The incarnation that wrote the journal is gone, and its volatile cache with it.
        _disk.DropCache();
        _cacheLossToJournal = true;
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (IsRecovering) _metrics.DiskRebuilding(false); // stopped (or restarted) before the disk was rebuilt
        base.PostStop();
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason); // recovers again; the device's resent requests wait (stashed) until that is done
        Context.Parent.Tell(new BackendRestarted(reason.Message), Self);
    }

    private void Apply(DiskChange change)
    {
        _server.Serve(change.ToRequest());
        change.AddTouchedSectors(_written, _disk.SectorCount);
    }

    private void OnRequest(BackendRequest request)
    {
        if (DiskChange.Of(request) is not { } change)
        {
            Serve(request);
            return;
        }
        if (_cacheLossToJournal)
        {
            _cacheLossToJournal = false;
            _metrics.Add(FleetCounter.DiskEventsSent);
            Persist(DiskCacheLost.Instance, _ =>
            {
                _metrics.Add(FleetCounter.DiskEventsJournaled);
                AfterPersisted();
            });
        }
        // Durable first: the disk changes and the reply is scheduled only once the journal holds the change.
        _metrics.Add(FleetCounter.DiskEventsSent);
        Persist(change, c =>
        {
            _metrics.Add(FleetCounter.DiskEventsJournaled);
            c.AddTouchedSectors(_written, _disk.SectorCount);
            Serve(request);
            AfterPersisted();
        });
    }

    private void Serve(BackendRequest request)
    {
        var reply = _server.Serve(request);
        _lanes.Add(reply, request.Readable.Length + (long)request.WritableLength, _clock.Elapsed.Ticks, Timers);
    }

    /// <summary>The kind (for diagnostics).</summary>
    public override string ToString() => $"persistent {_kind} backend";
}
