using Akka.Actor;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Simulation.Supervision;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// A blk backend placed on another node than its device: the parent and supervisor of the backend actor there, in the
/// role the device's endpoint has for a backend child. The device sends it its <see cref="BackendRequest"/>s and
/// <see cref="CrashBackend"/>s (the sender of the latest request is the device: one rebuilt after its node was lost takes over); the backend's replies,
/// <see cref="BackendRestarted"/> and <see cref="StoreFailed"/> go back to the device with this actor as the sender,
/// so the device knows them as its backend's. A backend that fails more than
/// <see cref="TransportEndpointActor.MaxBackendRestarts"/> times within
/// <see cref="TransportEndpointActor.BackendRestartWindow"/> is stopped and this actor stops with it: the device,
/// watching it, then needs a reset as with a backend child.
/// </summary>
public sealed class PlacedBackendActor : ReceiveActor
{
    private readonly Props _backendProps;
    private IActorRef _backend = ActorRefs.Nobody;
    private IActorRef? _device;

    private readonly SupervisorStrategy _strategy =
        new ClockedOneForOneStrategy(TransportEndpointActor.MaxBackendRestarts, TransportEndpointActor.BackendRestartWindow, _ => Directive.Restart);

    /// <summary>Hosts the backend made by <paramref name="backend"/>.</summary>
    public PlacedBackendActor(Props backend)
    {
        _backendProps = backend;
        Receive<BackendRequest>(r =>
        {
            // The latest sender: a device rebuilt on another node after its node was lost takes over.
            _device = Sender;
            _backend.Tell(r, Self);
        });
        Receive<CrashBackend>(c => _backend.Tell(c, Self));
        Receive<BackendReply>(r => _device?.Tell(r, Self));
        Receive<BackendRestarted>(r => _device?.Tell(r, Self));
        Receive<StoreFailed>(f => _device?.Tell(f, Self));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_backend)) Context.Stop(Self);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _backend = Context.ActorOf(_backendProps, "backend");
        Context.Watch(_backend);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => _strategy;
}
