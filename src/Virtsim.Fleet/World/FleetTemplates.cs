using System.Globalization;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// The fleet-scale part of a scenario for <see cref="ScenarioLoader"/>: <c>hosts</c> entries that stand for
/// <c>count</c> copies of a <c>host-templates</c> entry, whose VMs are <c>vm-templates</c> entries. Each template is
/// read and checked once (its devices' <see cref="DeviceSpec"/>s built once per vendor and shared by every copy, they
/// are immutable), so 20,000 hosts expand in time linear in the fleet without reading HOCON per copy. Names are the
/// prefix and a number padded to the digits of the count (h00001 .. h20000). Errors are
/// <see cref="HoconException"/>s at the value (docs/fleet.md, "Fleet scenarios").
/// </summary>
internal sealed class FleetTemplates
{
    private readonly HoconConfig _root;
    private readonly HoconConfig _hostDefaults;
    private readonly HoconConfig _vmDefaults;
    private readonly IReadOnlyList<VendorProfile> _vendors;
    private readonly Func<HoconConfig, VendorProfile?, DeviceSpec> _device;
    private readonly Func<HoconConfig, string, IReadOnlyList<DeviceSpec>, VmSpec> _vm;
    private readonly Dictionary<string, VmTemplate> _vmTemplates = new(StringComparer.Ordinal);

    /// <summary>Templates of <paramref name="root"/>; devices and VMs are read by the loader's own functions.</summary>
    public FleetTemplates(HoconConfig root, HoconConfig hostDefaults, HoconConfig vmDefaults, IReadOnlyList<VendorProfile> vendors,
        Func<HoconConfig, VendorProfile?, DeviceSpec> device, Func<HoconConfig, string, IReadOnlyList<DeviceSpec>, VmSpec> vm)
    {
        _root = root;
        _hostDefaults = hostDefaults;
        _vmDefaults = vmDefaults;
        _vendors = vendors;
        _device = device;
        _vm = vm;
    }

    /// <summary>True when a <c>hosts</c> entry names a template.</summary>
    public static bool IsTemplated(HoconConfig entry) => entry.HasPath("template");

    /// <summary>The hosts a templated <c>hosts</c> entry stands for, in order.</summary>
    public IEnumerable<HostSpec> Expand(HoconConfig entry)
    {
        var (name, templatePosition) = TemplateName(entry);
        var template = Template(_root, "host-templates", name, templatePosition);
        var h = entry.WithFallback(template).WithFallback(_hostDefaults);
        int count = Count(entry);
        string prefix = Prefix(entry, name);
        long bandwidth = MigrationSection.HostBandwidth(h);
        var groups = new List<(VmTemplate Template, int Count, string Prefix)>();
        foreach (var g in HoconSettings.At(h, x => x.GetConfigList("vms")))
        {
            if (!IsTemplated(g))
                throw new HoconException(HoconSettings.OwnPosition(g), $"a VM of host template '{name}' names a vm-templates entry (template = NAME)");
            var (vmName, vmPosition) = TemplateName(g);
            groups.Add((VmTemplateNamed(vmName, vmPosition), Count(g), Prefix(g, "vm")));
        }
        CheckVmNames(groups, name, h.GetValue("vms").Position);
        for (int i = 1; i <= count; i++)
        {
            var vms = new List<VmSpec>();
            foreach (var (vmTemplate, vmCount, vmPrefix) in groups)
                for (int j = 1; j <= vmCount; j++) vms.Add(vmTemplate.Copy(Numbered(vmPrefix, j, vmCount)));
            yield return new HostSpec { Name = Numbered(prefix, i, count), Bandwidth = bandwidth, Vms = vms };
        }
    }

    /// <summary><paramref name="prefix"/> and <paramref name="number"/> padded to the digits of <paramref name="count"/>.</summary>
    public static string Numbered(string prefix, int number, int count) =>
        prefix + number.ToString(CultureInfo.InvariantCulture).PadLeft(count.ToString(CultureInfo.InvariantCulture).Length, '0');

    private VmTemplate VmTemplateNamed(string name, HoconPosition at)
    {
        if (_vmTemplates.TryGetValue(name, out var known)) return known;
        var v = Template(_root, "vm-templates", name, at).WithFallback(_vmDefaults);
        var devices = new List<DeviceTemplate>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in HoconSettings.At(v, x => x.GetConfigList("devices")))
        {
            var device = DeviceTemplateOf(d);
            if (!names.Add(device.Name)) throw new HoconException(d.GetValue("name").Position, $"device name '{device.Name}' is used twice in vm template '{name}'");
            devices.Add(device);
        }
        // Checked once with the first vendor of each device: memory, device count and the guest's writes.
        var prototype = _vm(v, name, [.. devices.Select(d => d.Specs[0])]);
        var made = new VmTemplate(prototype, devices);
        _vmTemplates[name] = made;
        return made;
    }

    private DeviceTemplate DeviceTemplateOf(HoconConfig d)
    {
        if (!d.HasPath("vendor-mix"))
        {
            var spec = _device(d, null);
            return new DeviceTemplate(spec, null, [spec]);
        }
        if (d.HasPath("vendor")) throw new HoconException(d.GetValue("vendor").Position, "a device gives vendor or vendor-mix, not both");
        var value = d.GetValue("vendor-mix");
        if (value is not HoconObject mix || mix.Count == 0)
            throw new HoconException(value.Position, "vendor-mix must be an object of vendor profiles and shares, e.g. { acme-vf = 0.5, swift-vhost = 0.5 }");
        var shares = new List<(VendorProfile, double)>();
        double sum = 0;
        foreach (var (vendorName, shareValue) in mix.Fields)
        {
            var profile = VendorProfiles.Find(_vendors, vendorName)
                ?? throw new HoconException(shareValue.Position, $"unknown vendor profile '{vendorName}' in vendor-mix (known: {string.Join(", ", _vendors.Select(p => p.Name))})");
            double share = shareValue is HoconNumber n ? n.ToDouble()
                : throw new HoconException(shareValue.Position, $"the share of {vendorName} must be a number above 0 and at most 1 (got {shareValue.Describe()})");
            if (!(share > 0 && share <= 1))
                throw new HoconException(shareValue.Position, $"the share of {vendorName} must be above 0 and at most 1 (got {share.ToString(CultureInfo.InvariantCulture)})");
            shares.Add((profile, share));
            sum += share;
        }
        if (Math.Abs(sum - 1) > 1e-6)
            throw new HoconException(value.Position, $"vendor-mix shares sum to {sum.ToString("0.######", CultureInfo.InvariantCulture)}, not 1");
        var specs = shares.Select(s => _device(d, s.Item1)).ToArray();
        return new DeviceTemplate(specs[0], new VendorMix(shares), specs);
    }

    private static HoconConfig Template(HoconConfig root, string section, string name, HoconPosition at)
    {
        var templates = HoconSettings.At(root, r => r.GetConfig(section));
        if (!templates.Root.TryGetValue(name, out var found) || found is not HoconObject || name.Contains('"', StringComparison.Ordinal))
        {
            var known = templates.Root.Keys;
            throw new HoconException(at, $"unknown template '{name}' in {section} (known: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
        return HoconSettings.At(templates, t => t.GetConfig($"\"{name}\""));
    }

    private static (string Name, HoconPosition Position) TemplateName(HoconConfig entry) =>
        (HoconSettings.At(entry, x => x.GetString("template")), entry.GetValue("template").Position);

    private static int Count(HoconConfig entry)
    {
        if (!entry.HasPath("count")) return 1;
        return (int)HoconSettings.Range(entry, "count", HoconSettings.At(entry, x => x.GetLong("count")), 1, 1_000_000);
    }

    private static string Prefix(HoconConfig entry, string otherwise)
    {
        if (!entry.HasPath("name-prefix")) return otherwise;
        string prefix = HoconSettings.At(entry, x => x.GetString("name-prefix"));
        Settings.CheckName(prefix, entry.GetValue("name-prefix").Position, "name-prefix");
        return prefix;
    }

    private static void CheckVmNames(List<(VmTemplate Template, int Count, string Prefix)> groups, string hostTemplate, HoconPosition at)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, count, prefix) in groups)
            for (int j = 1; j <= count; j++)
                if (!names.Add(Numbered(prefix, j, count)))
                    throw new HoconException(at, $"host template '{hostTemplate}' names VM '{Numbered(prefix, j, count)}' twice (give its VM groups different name-prefix values)");
    }

    // A template device: one spec (a fixed vendor) or one per vendor of its mix, the mix choosing per copy.
    private sealed record DeviceTemplate(DeviceSpec First, VendorMix? Mix, DeviceSpec[] Specs)
    {
        public string Name => First.Name;

        public DeviceSpec Next() => Mix is null ? First : Specs[Mix.Next()];
    }

    private sealed record VmTemplate(VmSpec Prototype, List<DeviceTemplate> Devices)
    {
        public VmSpec Copy(string name) => Prototype with { Name = name, Devices = [.. Devices.Select(d => d.Next())] };
    }
}
