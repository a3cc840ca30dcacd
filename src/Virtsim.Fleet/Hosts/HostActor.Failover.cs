using Akka.Actor;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Migration;

namespace Virtsim.Fleet.Hosts;

// A placed device rebuilt on another node after its node was lost (cluster failover): the host swaps the VM's device
// for the rebuilt one, as a device switch does, and watches for its first served request (the failover time).
public sealed partial class HostActor
{
    private readonly Dictionary<IActorRef, Action> _awaitingFirstServe = [];

    private void FailoverHandlers()
    {
        Receive<PlacedActorRebuilt>(OnPlacedRebuilt);
        Receive<PlacedBackendRebuilt>(r =>
        {
            var parts = r.Device.Split('/');
            if (parts.Length == 3 && _endpointsByDevice.TryGetValue($"{parts[1]}/{parts[2]}", out var endpoint))
                endpoint.Tell(new SwitchBackend(r.Backend), Self);
        });
    }

    private void OnPlacedRebuilt(PlacedActorRebuilt r)
    {
        var parts = r.Device.Split('/');
        // A VM that left this host (a migration) took its device along: nothing to swap here.
        if (parts.Length != 3 || parts[0] != _spec.Name || !_resident.TryGetValue(parts[1], out var vm)
            || !vm.Endpoints.TryGetValue(parts[2], out var old)) return;
        var netBackend = vm.NetBackends.GetValueOrDefault(parts[2]);
        _endpoints[vm.Plan.Pasid].Remove(old);
        _endpoints[vm.Plan.Pasid].Add(r.Endpoint);
        Register(vm, parts[2], r.Endpoint, netBackend);
        // Frames for the guest go to the rebuilt device; those the lost one held died with its node.
        netBackend?.Tell(new SwitchEndpoint(r.Endpoint), Self);
        vm.Guest?.Tell(new SwitchDevices(new Dictionary<string, IActorRef>(StringComparer.Ordinal) { [parts[2]] = r.Endpoint }), Self);
        if (r.Served is { } served) _awaitingFirstServe[r.Endpoint] = served;
    }

    // A batch that moved request data: the rebuilt device serves again.
    private void NoteServed(DmaBatch b)
    {
        if (_awaitingFirstServe.Count == 0 || b.DataReads + b.DataWrites == 0 || !_awaitingFirstServe.Remove(Sender, out var served)) return;
        served();
    }
}
