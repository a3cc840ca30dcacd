using Akka.Actor;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Network;

namespace Virtsim.Fleet.Hosts;

/// <summary>A host's part in live migration: hand a VM over, take one in, resume, release, crash.</summary>
public sealed partial class HostActor
{
    private bool _crashed;
    private uint _nextPasid;

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
        Receive<CrashHost>(_ =>
        {
            if (_crashed) return;
            _crashed = true;
            foreach (var vm in _resident.Values)
            {
                foreach (var e in vm.Endpoints.Values) Context.Stop(e);
                foreach (var b in vm.NetBackends.Values) Context.Stop(b);
            }
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

    private void Release(string vmName)
    {
        if (!_resident.Remove(vmName, out var vm)) return;
        _dma.Remove(vm.Plan.Pasid);
        _endpoints.Remove(vm.Plan.Pasid);
        foreach (var (device, endpoint) in vm.Endpoints)
        {
            _endpointsByDevice.Remove($"{vm.Key}/{device}");
            // A net device goes through its backend, so every frame the backend already passed on reaches it first.
            if (vm.NetBackends.TryGetValue(device, out var backend)) backend.Tell(new DetachForMigration(endpoint), Self);
            else endpoint.Tell(ReleaseDevice.Instance, Self);
        }
    }
}
