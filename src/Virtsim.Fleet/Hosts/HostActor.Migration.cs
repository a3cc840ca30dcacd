using Akka.Actor;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Network;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Hosts;

/// <summary>A host's part in live migration: hand a VM over, take one in, resume, release, crash.</summary>
public sealed partial class HostActor
{
    private bool _crashed;
    private uint _nextPasid;
    private readonly Dictionary<string, (IActorRef Endpoint, IActorRef? NetBackend, DevicePlan Plan)> _switching = new(StringComparer.Ordinal);

    private void MigrationHandlers()
    {
        Receive<GetVm>(g =>
        {
            if (_crashed) Sender.Tell(new VmMissing(g.Vm, $"host {_spec.Name} is down"), Self);
            else if (_resident.TryGetValue(g.Vm, out var vm) && vm.Guest is { } guest)
                Sender.Tell(new VmHandle(g.Vm, vm.Plan, vm.Memory, vm.Endpoints, guest), Self);
            else Sender.Tell(new VmMissing(g.Vm, $"no VM {g.Vm} on {_spec.Name}"), Self);
        });
        Receive<AdoptVm>(OnAdopt);
        Receive<ResumeVm>(r =>
        {
            if (!_resident.TryGetValue(r.Vm, out var vm)) return;
            foreach (var e in vm.Endpoints.Values) e.Tell(ResumeAfterMigration.Instance, Self);
            // The net devices announce themselves (QEMU's self-announce after the switchover): the switch learns
            // their MACs on the new ports; frames sent to the old ones until then were lost by migration.
            foreach (var (device, backend) in vm.NetBackends)
            {
                var mac = vm.Plan.Devices.First(d => d.Spec.Name == device).Mac;
                _network?.Tell(new L2SwitchActor.Announce(backend, mac), Self);
            }
        });
        Receive<ReleaseVm>(r => Release(r.Vm));
        Receive<AdoptDevice>(OnAdoptDevice);
        Receive<CommitDeviceSwitch>(OnCommitSwitch);
        Receive<CancelDeviceSwitch>(c =>
        {
            if (!_resident.TryGetValue(c.Vm, out var vm) || !_switching.Remove($"{c.Vm}/{c.Device}", out var built)) return;
            _endpoints[vm.Plan.Pasid].Remove(built.Endpoint);
            Detach(built.Endpoint, built.NetBackend);
        });
        Receive<CrashHost>(_ =>
        {
            if (_crashed) return;
            _crashed = true;
            foreach (var vm in _resident.Values)
            {
                // A net device's port stays on the switch as a dead port until an announce moves its MAC (a migrated
                // VM's, at its destination): detached as at a migration's source, the backend counts every frame the
                // switch still sends there as lost by migration and reports it to its workload, and releases the device
                // after the frames it already passed on (which the device counts with the ones it held). Stopping them
                // made those frames vanish (dead letters) and the VM's workload wait for them for ever.
                foreach (var (device, e) in vm.Endpoints)
                {
                    if (vm.NetBackends.TryGetValue(device, out var backend)) backend.Tell(new DetachForMigration(e), Self);
                    else Context.Stop(e);
                }
            }
            foreach (var built in _switching.Values)
            {
                Context.Stop(built.Endpoint);
                if (built.NetBackend is not null) Context.Stop(built.NetBackend);
            }
            _switching.Clear();
            _resident.Clear();
            _dma.Clear();
        });
    }

    private void OnAdopt(AdoptVm a)
    {
        string name = a.Plan.Spec.Name;
        if (_crashed || _resident.ContainsKey(a.NamePrefix + name))
        {
            Sender.Tell(new VmMissing(name, _crashed ? $"host {_spec.Name} is down" : $"VM {name} already arrived on {_spec.Name}"), Self);
            return;
        }
        if (_nextPasid == 0) _nextPasid = _vms.Count == 0 ? 1 : _vms.Max(v => v.Pasid) + 1;
        var plan = a.Plan with { Pasid = _nextPasid++ };
        // Keyed by the arriving name: a VM of the same name may already live here.
        var vm = AddVm(plan, a.Memory, a.Guest, a.NamePrefix + name);
        foreach (var device in plan.Devices)
        {
            string deviceName = device.Spec.Name;
            var incoming = new IncomingMigration(a.Migration, deviceName, a.Refusals.GetValueOrDefault(deviceName));
            CreateDevice(vm, device, $"{a.NamePrefix}{name}-{deviceName}", incoming, a.Offers.TryGetValue(deviceName, out var offer) ? offer : null);
        }
        Sender.Tell(new VmAdopting(name, vm.Endpoints), Self);
    }

    // A device switch: the new implementation is built beside the running one, restores the snapshot and waits.
    private void OnAdoptDevice(AdoptDevice a)
    {
        string device = a.Plan.Spec.Name;
        if (_crashed || !_resident.TryGetValue(a.Vm, out var vm) || _switching.ContainsKey($"{a.Vm}/{device}"))
        {
            Sender.Tell(new VmMissing(a.Vm, _crashed ? $"host {_spec.Name} is down" : $"no VM {a.Vm} on {_spec.Name} to switch {device} of"), Self);
            return;
        }
        var (endpoint, netBackend) = BuildDevice(vm, a.Plan, a.Name, new IncomingMigration(a.Migration, device, a.Refusal), a.Offer);
        _switching[$"{a.Vm}/{device}"] = (endpoint, netBackend, a.Plan);
        Sender.Tell(new VmAdopting(a.Vm, new Dictionary<string, IActorRef>(StringComparer.Ordinal) { [device] = endpoint }), Self);
    }

    // The switchover of a device switch: the new implementation becomes the VM's device and serves, the old one goes
    // (through its backend, for a net device, as at a migration's source); the VM's other devices are not touched.
    private void OnCommitSwitch(CommitDeviceSwitch c)
    {
        if (!_resident.TryGetValue(c.Vm, out var vm) || !_switching.Remove($"{c.Vm}/{c.Device}", out var built)) return;
        var oldEndpoint = vm.Endpoints[c.Device];
        var oldBackend = vm.NetBackends.GetValueOrDefault(c.Device);
        _endpoints[vm.Plan.Pasid].Remove(oldEndpoint);
        Register(vm, c.Device, built.Endpoint, built.NetBackend);
        var devices = vm.Plan.Devices.Select(d => d.Spec.Name == c.Device ? built.Plan : d).ToList();
        _resident[c.Vm] = vm with { Plan = vm.Plan with { Devices = devices } };
        built.Endpoint.Tell(ResumeAfterMigration.Instance, Self);
        Detach(oldEndpoint, oldBackend, built.Endpoint);
        if (built.NetBackend is not null) _network?.Tell(new L2SwitchActor.Announce(built.NetBackend, built.Plan.Mac), Self);
    }

    // A device goes: a net device through its backend, so every frame the backend already passed on reaches it first.
    // A device switch names the successor: the frames the old implementation holds move to it.
    private void Detach(IActorRef endpoint, IActorRef? netBackend, IActorRef? successor = null)
    {
        if (netBackend is not null) netBackend.Tell(new DetachForMigration(endpoint, successor), Self);
        else if (successor is not null) endpoint.Tell(new HandOverDevice(successor), Self);
        else endpoint.Tell(ReleaseDevice.Instance, Self);
    }

    private void Release(string vmName)
    {
        if (!_resident.Remove(vmName, out var vm)) return;
        _dma.Remove(vm.Plan.Pasid);
        _endpoints.Remove(vm.Plan.Pasid);
        foreach (var (device, endpoint) in vm.Endpoints)
        {
            _endpointsByDevice.Remove($"{vm.Key}/{device}");
            Detach(endpoint, vm.NetBackends.GetValueOrDefault(device));
        }
    }
}
