using Virtsim.Fleet.World;

namespace Virtsim.Experiments.Swarm;

/// <summary>
/// The ways the shrinker makes a failing world smaller: without a device (and the VM and host it leaves empty), or a
/// device with fewer requests. Pure functions of a <see cref="WorldSpec"/>; net peers need no care, since the world
/// pairs its net devices round a ring of whichever are left (<see cref="FleetWorld.Plan"/>).
/// </summary>
public static class WorldCuts
{
    /// <summary>The path of a device, "host/vm/device", as plans and scenario files name it.</summary>
    public static string PathOf(HostSpec host, VmSpec vm, DeviceSpec device) => $"{host.Name}/{vm.Name}/{device.Name}";

    /// <summary>Every device's path, in world order.</summary>
    public static IReadOnlyList<string> Devices(WorldSpec world) => world.AllDevices().Select(d => PathOf(d.Host, d.Vm, d.Device)).ToList();

    /// <summary>Every device's requests, in world order.</summary>
    public static long TotalRequests(WorldSpec world) => world.AllDevices().Sum(d => (long)d.Device.Requests);

    /// <summary>
    /// The devices the shrinker may remove: those no fault of <paramref name="plan"/> and no device switch names.
    /// None when the world places actors or runs waves (their settings name devices and hosts the cut would leave dangling).
    /// </summary>
    public static IReadOnlyList<string> Removable(WorldSpec world, IReadOnlyList<PlannedFault> plan)
    {
        if (world.Waves.Count > 0 || world.Placement != PlacementSpec.None) return [];
        var named = new HashSet<string>(plan.Where(f => !FaultKinds.TargetsHost(f.Kind)).Select(f => f.Target), StringComparer.Ordinal);
        named.UnionWith(world.DeviceSwitches.Select(s => s.Device));
        return Devices(world).Where(d => !named.Contains(d)).ToList();
    }

    /// <summary>
    /// The world without the device at <paramref name="path"/>, and without its VM and host when they are left empty,
    /// unless a migration or a host fault of <paramref name="plan"/> names them.
    /// </summary>
    public static WorldSpec Without(WorldSpec world, string path, IReadOnlyList<PlannedFault> plan)
    {
        var keptHosts = new HashSet<string>(plan.Where(f => FaultKinds.TargetsHost(f.Kind)).Select(f => f.Target), StringComparer.Ordinal);
        keptHosts.UnionWith(world.Migrations.SelectMany(m => new[] { m.From, m.To }));
        var keptVms = new HashSet<string>(world.Migrations.Select(m => $"{m.From}/{m.Vm}"), StringComparer.Ordinal);
        var hosts = new List<HostSpec>();
        foreach (var host in world.Hosts)
        {
            var vms = new List<VmSpec>();
            foreach (var vm in host.Vms)
            {
                var devices = vm.Devices.Where(d => PathOf(host, vm, d) != path).ToList();
                if (devices.Count == vm.Devices.Count) vms.Add(vm);
                else if (devices.Count > 0 || keptVms.Contains($"{host.Name}/{vm.Name}")) vms.Add(vm with { Devices = devices });
            }
            if (vms.Count > 0 || host.Vms.Count == 0 || keptHosts.Contains(host.Name)) hosts.Add(host with { Vms = vms });
        }
        return world with { Hosts = hosts };
    }

    /// <summary>The world with the device at <paramref name="path"/> issuing <paramref name="requests"/> requests.</summary>
    public static WorldSpec WithRequests(WorldSpec world, string path, int requests) => world with
    {
        Hosts = world.Hosts.Select(h => h with
        {
            Vms = h.Vms.Select(v => v with
            {
                Devices = v.Devices.Select(d => PathOf(h, v, d) == path ? d with { Requests = requests } : d).ToList(),
            }).ToList(),
        }).ToList(),
    };

    /// <summary>The requests of the device at <paramref name="path"/>.</summary>
    public static int RequestsOf(WorldSpec world, string path) =>
        world.AllDevices().First(d => PathOf(d.Host, d.Vm, d.Device) == path).Device.Requests;
}
