using Akka.Actor;
using Virtsim.Fleet.World;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Workloads;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Vms;

/// <summary>
/// A VM: its guest memory (shared with its devices' DMA through the host's IOMMU) and, for every device, the guest's
/// driver (child "device-driver") and the application that loads it (child "device-app"). The vCPU is a cost: the
/// application spends <see cref="World.VmSpec.VcpuCostPerRequest"/> of virtual time per request it issues.
/// </summary>
public sealed class VmActor : ReceiveActor
{
    private readonly VmPlan _plan;
    private readonly GuestMemory _memory;
    private readonly IReadOnlyList<IActorRef> _endpoints;
    private readonly FleetMetrics _metrics;
    private readonly bool _threaded;

    /// <summary>
    /// The shortest poll interval under the threaded dispatcher: real-time timers count whole milliseconds (a
    /// sub-millisecond period becomes 0, which makes a .NET timer fire only once).
    /// </summary>
    public static TimeSpan ThreadedMinimumPollInterval { get; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Creates the VM.</summary>
    /// <param name="plan">The VM and its devices.</param>
    /// <param name="memory">Its guest memory.</param>
    /// <param name="endpoints">Its devices' transport endpoints, in device order.</param>
    /// <param name="metrics">The run's counters.</param>
    /// <param name="threaded">True under the threaded dispatcher (poll intervals of at least <see cref="ThreadedMinimumPollInterval"/>).</param>
    public VmActor(VmPlan plan, GuestMemory memory, IReadOnlyList<IActorRef> endpoints, FleetMetrics metrics, bool threaded = false)
    {
        _threaded = threaded;
        _plan = plan;
        _memory = memory;
        _endpoints = endpoints;
        _metrics = metrics;
        // A migration stops and resumes the guest and moves its devices: every driver hears of it.
        Receive<PauseGuest>(p => ToDrivers(p));
        Receive<ResumeGuest>(r => ToDrivers(r));
        // A device switch stops only its device's driver.
        Receive<PauseDriver>(p => Context.Child($"{p.Device}-driver").Tell(PauseGuest.Instance, Self));
        Receive<ResumeDriver>(r => Context.Child($"{r.Device}-driver").Tell(ResumeGuest.Instance, Self));
        Receive<SwitchDevices>(s =>
        {
            foreach (var (device, endpoint) in s.Endpoints) Context.Child($"{device}-driver").Tell(new SwitchEndpoint(endpoint), Self);
        });
    }

    private void ToDrivers(object message)
    {
        foreach (var device in _plan.Devices) Context.Child($"{device.Spec.Name}-driver").Tell(message, Self);
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (int i = 0; i < _plan.Devices.Count; i++)
        {
            var device = _plan.Devices[i];
            var spec = device.Spec;
            var options = new DriverOptions
            {
                Endpoint = _endpoints[i],
                Memory = _memory,
                Layout = DriverLayout.ForDevice(device.IndexInVm),
                Metrics = _metrics,
                Health = device.Health,
                Transport = spec.Transport,
                Mode = spec.DriverMode,
                QueueSize = spec.QueueSize,
                PackedRing = spec.PackedRing,
                Flow = spec.Fidelity == Flow.Fidelity.Flow,
                InterruptTimeout = spec.InterruptTimeout,
                MaxResets = spec.MaxResets,
                ResetWindow = spec.ResetWindow,
                FrameLoss = spec.Kind == DeviceKind.Net ? new Devices.FrameLoss(device) : null,
            };
            if (_threaded && options.PollInterval < ThreadedMinimumPollInterval) options = options with { PollInterval = ThreadedMinimumPollInterval };
            var vcpu = _plan.Spec.VcpuCostPerRequest;
            if (spec.Kind == DeviceKind.Blk)
            {
                var driver = Context.ActorOf(ActorFactory.Of(() => new BlkDriverActor(options)), $"{spec.Name}-driver");
                Context.ActorOf(ActorFactory.Of(() => new BlkWorkloadActor(driver, device, vcpu, _metrics)), $"{spec.Name}-app");
            }
            else
            {
                var driver = Context.ActorOf(ActorFactory.Of(() => new NetDriverActor(options)), $"{spec.Name}-driver");
                Context.ActorOf(ActorFactory.Of(() => new NetWorkloadActor(driver, device, vcpu, _metrics)), $"{spec.Name}-app");
            }
        }
    }
}
