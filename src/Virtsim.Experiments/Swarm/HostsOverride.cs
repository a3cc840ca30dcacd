using System.Globalization;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Experiments.Swarm;

/// <summary>
/// A shrunk world as scenario text: the base scenario's own <c>hosts</c> entries, less the hosts, VMs and devices the
/// shrinker removed, each kept device with its <c>requests</c> written out, as one <c>hosts = [...]</c> line that,
/// appended to the base text, replaces its list (in HOCON a later value of a key replaces an earlier one). Every other
/// setting of an entry stays as written, so the file still loads and runs the same devices.
/// </summary>
public static class HostsOverride
{
    /// <summary>
    /// The <c>hosts = [...]</c> line for <paramref name="world"/>, cut from <paramref name="baseConfig"/>'s hosts; null
    /// when the base's hosts cannot be cut entry by entry (a host template stands for many hosts).
    /// </summary>
    /// <param name="baseConfig">The base scenario, parsed (<see cref="ScenarioLoader.ParseConfig"/>).</param>
    /// <param name="world">The shrunk world: the base's hosts, VMs and devices or fewer, by name.</param>
    public static string? For(HoconConfig baseConfig, WorldSpec world)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(world);
        if (!baseConfig.TryGetValue("hosts", out var hostsValue) || hostsValue is not HoconArray baseHosts) return null;
        var hosts = new List<HoconValue>();
        foreach (var entry in baseHosts.Items)
        {
            if (entry is not HoconObject host || host.TryGetValue("template", out _)) return null;
            var hostSpec = world.Hosts.FirstOrDefault(h => h.Name == NameOf(host));
            if (hostSpec is null) continue;
            var vms = new List<HoconValue>();
            if (host.TryGetValue("vms", out var vmsValue) && vmsValue is HoconArray baseVms)
            {
                foreach (var vmEntry in baseVms.Items)
                {
                    if (vmEntry is not HoconObject vm) return null;
                    var vmSpec = hostSpec.Vms.FirstOrDefault(v => v.Name == NameOf(vm));
                    if (vmSpec is null) continue;
                    var devices = new List<HoconValue>();
                    if (vm.TryGetValue("devices", out var devicesValue) && devicesValue is HoconArray baseDevices)
                    {
                        foreach (var deviceEntry in baseDevices.Items)
                        {
                            if (deviceEntry is not HoconObject device) return null;
                            var deviceSpec = vmSpec.Devices.FirstOrDefault(d => d.Name == NameOf(device));
                            if (deviceSpec is null) continue;
                            devices.Add(With(device, "requests", new HoconNumber(deviceSpec.Requests.ToString(CultureInfo.InvariantCulture), device.Position)));
                        }
                        vms.Add(With(vm, "devices", new HoconArray(devices, baseDevices.Position)));
                    }
                    else vms.Add(vm);
                }
                hosts.Add(With(host, "vms", new HoconArray(vms, baseVms.Position)));
            }
            else hosts.Add(host);
        }
        // JSON is HOCON: every value keeps its text (sizes and durations as strings the loader parses as before).
        return "hosts = " + new HoconArray(hosts, baseHosts.Position).ToJson();
    }

    private static string? NameOf(HoconObject entry) =>
        entry.TryGetValue("name", out var name) ? name.ConcatenationText : null;

    // The entry with one field set (replaced in place, or added at the end).
    private static HoconObject With(HoconObject entry, string key, HoconValue value)
    {
        var fields = entry.Fields.Select(f => f.Key == key ? new KeyValuePair<string, HoconValue>(key, value) : f).ToList();
        if (!entry.TryGetValue(key, out _)) fields.Add(new(key, value));
        return new HoconObject(fields, entry.Position);
    }
}
