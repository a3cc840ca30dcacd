using Virtsim.Fleet.Devices;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a scenario's <c>placement</c> object: <c>default-device-role</c>, <c>default-backend-role</c>, and per device
/// <c>"host/vm/device" = ROLE</c> or, for a blk device's backend, <c>"host/vm/device/backend" = ROLE</c>. Roles are
/// those of node files (hosts, devices, backends); a path must name a device of the scenario, a backend a blk device.
/// Every mistake is a <see cref="HoconException"/> at its position.
/// </summary>
public static class PlacementSection
{
    private const string BackendSuffix = "/backend";

    /// <summary>The placement of <paramref name="root"/> over <paramref name="hosts"/>, or <see cref="PlacementSpec.None"/> without the key.</summary>
    public static PlacementSpec Read(HoconConfig root, IReadOnlyList<HostSpec> hosts)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(hosts);
        if (!root.TryGetValue("placement", out var value) || value is HoconNull) return PlacementSpec.None;
        if (value is not HoconObject placement) throw new HoconException(value.Position, $"placement must be an object, found {value.Describe()}");
        var kinds = new Dictionary<string, DeviceKind>(StringComparer.Ordinal);
        foreach (var h in hosts)
            foreach (var vm in h.Vms)
                foreach (var d in vm.Devices) kinds[$"{h.Name}/{vm.Name}/{d.Name}"] = d.Kind;
        string deviceDefault = PlacementSpec.Hosts;
        string? backendDefault = null;
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        var backends = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, field) in placement.Fields)
        {
            if (key == "default-device-role")
            {
                deviceDefault = Role(field, key, allowEmpty: false)!;
                continue;
            }
            if (key == "default-backend-role")
            {
                backendDefault = Role(field, key, allowEmpty: true);
                continue;
            }
            bool backend = key.EndsWith(BackendSuffix, StringComparison.Ordinal);
            string path = backend ? key[..^BackendSuffix.Length] : key;
            if (!kinds.TryGetValue(path, out var kind))
                throw new HoconException(field.Position, $"placement: '{key}' names no device (write \"host/vm/device\" or \"host/vm/device/backend\", quoted)");
            if (backend && kind != DeviceKind.Blk)
                throw new HoconException(field.Position, $"placement: '{path}' is a {kind.ToString().ToLowerInvariant()} device; only a blk device's backend can be placed (a net backend is its host's switch port)");
            (backend ? backends : devices)[path] = Role(field, key, allowEmpty: false)!;
        }
        return new PlacementSpec { DefaultDeviceRole = deviceDefault, DefaultBackendRole = backendDefault, Devices = devices, Backends = backends };
    }

    private static string? Role(HoconValue value, string key, bool allowEmpty)
    {
        if (value is not HoconString s) throw new HoconException(value.Position, $"placement: {key} must be a role name, found {value.Describe()}");
        if (allowEmpty && s.Value.Length == 0) return null;
        if (!PlacementSpec.Roles.Contains(s.Value))
            throw new HoconException(value.Position, $"placement: unknown role '{s.Value}' for {key} (known roles: {string.Join(", ", PlacementSpec.Roles)})");
        return s.Value;
    }
}
