using Akka.Actor;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// A net device's backend as an actor: the hypervisor's tap path, the vhost-user process or the VF's embedded switch
/// port that carries the device's frames to and from the L2 switch. The device's <see cref="Devices.FrameUplink"/>
/// sends transmitted frames here, and the switch knows this actor (not the device) as the device's port. Every frame,
/// either way, is forwarded when its kind's service time has passed (<see cref="BackendServiceModel"/>, the same rules
/// as the blk backend: one lane per worker, a vhost-user wakeup when idle, a VF's parallel engines; transmit and
/// receive share the lanes, as they share the worker), in arrival order per lane. The frame objects are forwarded as
/// they are: nothing is copied.
/// <para>A <see cref="CrashBackend"/> makes it throw. Its supervisor (the host) restarts it; the frames it held at the
/// crash are gone (counted in <see cref="FleetCounter.NetBackendFramesDropped"/> and reported to the workloads they were
/// meant for through <see cref="FrameLoss"/>), as a crashed software switch port loses packets. Frames still in its mailbox are served by the fresh incarnation. Without crashes it loses nothing.</para>
/// </summary>
public sealed class NetBackendActor : ReceiveActor, IWithTimers
{
    private readonly BackendKind _kind;
    private readonly IActorRef _network;
    private readonly ActorPath _devicePath;
    private readonly FleetMetrics _metrics;
    private readonly IClock _clock = Context.Clock();
    private readonly ServiceLanes<HeldFrame> _lanes;
    private readonly Action<HeldFrame> _forward;
    private readonly FrameLoss? _loss;
    private IActorRef? _device;
    private bool _detached;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates one incarnation of the backend.</summary>
    /// <param name="kind">Where the backend runs (decides its service time model).</param>
    /// <param name="timing">The vendor's timing.</param>
    /// <param name="network">The switch: frames from it go to the device, every other frame goes to it.</param>
    /// <param name="devicePath">
    /// The device actor's path. Resolved when the first received frame is due, not passed as a ref: the host creates
    /// this actor before the device (the device's uplink needs this actor's ref), and no frame can come from the switch
    /// before the host has created both and attached this actor as the port.
    /// </param>
    /// <param name="metrics">The run's counters.</param>
    /// <param name="loss">Where the frames a crash drops are reported (their workloads), or null to only count them.</param>
    public NetBackendActor(BackendKind kind, VendorTiming timing, IActorRef network, ActorPath devicePath, FleetMetrics metrics,
        FrameLoss? loss = null)
    {
        _loss = loss;
        _kind = kind;
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _devicePath = devicePath ?? throw new ArgumentNullException(nameof(devicePath));
        _metrics = metrics;
        _lanes = new ServiceLanes<HeldFrame>(new BackendServiceModel(kind, timing));
        _forward = Forward;

        Receive<FrameMessage>(OnFrame);
        // Its placed device was rebuilt on another node (cluster failover): frames for the guest go there now.
        Receive<SwitchEndpoint>(s => _device = s.Endpoint);
        Receive<ServiceLaneDue>(due => _lanes.OnDue(due, _clock.Elapsed.Ticks, Timers, _forward));
        Receive<DetachForMigration>(d =>
        {
            // The VM moved: its device here is released after every frame already passed to it; later ones are lost
            // (a device switch on the same host: they go to the device's new implementation).
            _detached = true;
            _successor = d.Successor;
            if (d.Successor is null) d.Device.Tell(ReleaseDevice.Instance, Self);
            else d.Device.Tell(new HandOverDevice(d.Successor), Self);
        });
        Receive<CrashBackend>(c =>
        {
            _metrics.Add(FleetCounter.BackendCrashes);
            // Counted here rather than in PreRestart: the crash that exceeds the restart limit stops the actor
            // without a restart, and its frames are lost all the same.
            _metrics.Add(FleetCounter.NetBackendFramesDropped, Held);
            _loss?.Report(Context.System, HeldFrames(), Self);
            throw new BackendCrashException($"{_kind} net backend crashed: {c.Reason}");
        });
    }

    /// <summary>Frames held (being served) by this incarnation.</summary>
    public int Held => _lanes.Held;

    private IEnumerable<(byte[] Frame, bool ToDevice)> HeldFrames()
    {
        foreach (var held in _lanes.Items) yield return (held.Frame.Frame, held.ToDevice);
    }

    /// <summary>The backend of net device <paramref name="plan"/>, with the plan's vendor kind and timing.</summary>
    /// <param name="plan">The net device.</param>
    /// <param name="network">The switch.</param>
    /// <param name="devicePath">The device actor's path (created after the backend, by the same host).</param>
    /// <param name="metrics">The run's counters.</param>
    public static Props For(DevicePlan plan, IActorRef network, ActorPath devicePath, FleetMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var profile = plan.Spec.Profile;
        var loss = new FrameLoss(plan);
        return ActorFactory.Of(() => new NetBackendActor(profile.Backend, profile.Timing, network, devicePath, metrics, loss));
    }

    /// <summary>The backend's name among its host's children, for the device actor named <paramref name="deviceActorName"/>.</summary>
    public static string NameFor(string deviceActorName) => deviceActorName + "-backend";

    private IActorRef? _successor;

    private void OnFrame(FrameMessage frame)
    {
        _lanes.Add(new HeldFrame(frame, Sender.Equals(_network)), frame.Frame.Length, _clock.Elapsed.Ticks, Timers);
    }

    private void Forward(HeldFrame held)
    {
        if (_detached && held.ToDevice && _successor is not null)
        {
            _successor.Tell(held.Frame, Self);
            return;
        }
        if (_detached && held.ToDevice)
        {
            // Only a frame for this device's MAC is lost: a flooded copy for another MAC reaches it through its own port
            // (a dead port stays on the switch, so floods keep coming).
            int lost = _loss?.Report(Context.System, [(held.Frame.Frame, true)], Self) ?? 1;
            _metrics.Add(FleetCounter.FramesLostByMigration, lost);
            return;
        }
        var target = held.ToDevice ? _device ??= Context.System.ResolveLocal(_devicePath) : _network;
        target.Tell(held.Frame, Self);
    }

    /// <summary>The kind (for diagnostics).</summary>
    public override string ToString() => $"{_kind} net backend";

    private readonly record struct HeldFrame(FrameMessage Frame, bool ToDevice);
}
