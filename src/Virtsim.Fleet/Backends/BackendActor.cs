using Akka.Actor;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// A blk device's backend as an actor: the in-hypervisor emulation, the vhost-user process or the hardware VF that
/// does the I/O. It alone owns the disk (handed to it at creation; the disk outlives every incarnation, as a real disk
/// outlives a crashed vhost-user process) and serves the device actor's <see cref="BackendRequest"/>s with the core's
/// blk device. A request changes the disk when it arrives (in arrival order, so a later request never overtakes an
/// earlier one on the media); its <see cref="BackendReply"/> goes back when the kind's service time has passed
/// (<see cref="BackendServiceModel"/>, on keyed timers per lane, which a restart cancels).
/// <para>A <see cref="CrashBackend"/> makes it throw. Its supervisor, the device actor, restarts it: the failed
/// incarnation loses the disk's volatile cache and every reply it had not sent yet; the fresh one tells the device
/// <see cref="BackendRestarted"/> and the device sends what is still in flight again.</para>
/// </summary>
public sealed class BackendActor : ReceiveActor, IWithTimers
{
    private readonly BackendKind _kind;
    private readonly FleetMetrics _metrics;
    private readonly IClock _clock = Context.Clock();
    private readonly BlkBackendServer _server;
    private readonly ServiceLanes<BackendReply> _lanes;
    private readonly Action<BackendReply> _sendReply;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates one incarnation of the backend.</summary>
    /// <param name="kind">Where the backend runs (decides its service time model).</param>
    /// <param name="timing">The vendor's timing.</param>
    /// <param name="disk">The disk this backend owns (durable media and volatile cache).</param>
    /// <param name="options">The blk device's options (features offered, limits), the same the device actor uses.</param>
    /// <param name="metrics">The run's counters.</param>
    public BackendActor(BackendKind kind, VendorTiming timing, MemoryBlockStore disk, BlkDeviceOptions options, FleetMetrics metrics)
    {
        _kind = kind;
        _metrics = metrics;
        _server = new BlkBackendServer(disk, options);
        _lanes = new ServiceLanes<BackendReply>(new BackendServiceModel(kind, timing));
        _sendReply = reply => Context.Parent.Tell(reply, Self);

        Receive<BackendRequest>(OnRequest);
        Receive<ServiceLaneDue>(due => _lanes.OnDue(due, _clock.Elapsed.Ticks, Timers, _sendReply));
        Receive<CrashBackend>(c =>
        {
            _metrics.Add(FleetCounter.BackendCrashes);
            throw new BackendCrashException($"{_kind} backend crashed: {c.Reason}");
        });
    }

    /// <summary>The backend of blk device <paramref name="plan"/> over <paramref name="disk"/>, with the plan's vendor kind and timing.</summary>
    public static Props For(DevicePlan plan, MemoryBlockStore disk, FleetMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        var options = DeviceFactory.BlkOptions(plan);
        return ActorFactory.Of(() => new BackendActor(profile.Backend, profile.Timing, disk, options, metrics));
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object? message)
    {
        _server.LoseCache();
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason) => Context.Parent.Tell(new BackendRestarted(reason.Message), Self);

    private void OnRequest(BackendRequest request)
    {
        // Applied at once, not journaled (PersistentBackendActor journals DiskChange.Of(request) before serving).
        var reply = _server.Serve(request);
        _lanes.Add(reply, request.Readable.Length + (long)request.WritableLength, _clock.Elapsed.Ticks, Timers);
    }

    /// <summary>The kind (for diagnostics).</summary>
    public override string ToString() => $"{_kind} backend";
}
