using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// The live-migration parts of a scenario file, for <see cref="ScenarioLoader"/>: host bandwidths, the guests'
/// memory writes, migration pools, <c>migrations</c>, <c>device-switches</c> and the hosts' faults. Every error is a
/// <see cref="HoconException"/> at the offending value (docs/migration.md, "Scenario").
/// </summary>
internal static class MigrationSection
{
    /// <summary>A host's NIC bandwidth (<c>bandwidth</c>, a positive rate).</summary>
    public static long HostBandwidth(HoconConfig host) => PositiveRate(host, "bandwidth");

    /// <summary>A VM's <c>dirty-rate</c> (a rate, at least 0) and <c>working-set</c> (1 page to <paramref name="memory"/>).</summary>
    public static (long DirtyRate, long WorkingSet) GuestWrites(HoconConfig vm, ulong memory)
    {
        long rate = HoconSettings.At(vm, x => x.GetBytesPerSecond("dirty-rate"));
        if (rate < 0) throw new HoconException(vm.GetValue("dirty-rate").Position, $"dirty-rate must not be negative (got {rate} B/s)");
        long workingSet = HoconSettings.At(vm, x => x.GetBytes("working-set"));
        if (workingSet < GuestDirtier.PageSize || (ulong)workingSet > memory)
            throw new HoconException(vm.GetValue("working-set").Position,
                $"working-set {workingSet} must be between one page (4096) and the VM's memory ({memory})");
        return (rate, workingSet);
    }

    /// <summary>A device's <c>migration-pool</c>: known vendor profiles.</summary>
    public static IReadOnlyList<VendorProfile> Pool(HoconConfig device, HoconPosition at, IReadOnlyList<VendorProfile> vendors, DeviceKind kind)
    {
        var pool = new List<VendorProfile>();
        foreach (var item in HoconSettings.At(at, device, x => x.GetList("migration-pool")))
        {
            string name = item is HoconString s ? s.Value : item.Describe();
            var profile = VendorProfiles.Find(vendors, name)
                ?? throw new HoconException(item.Position, $"unknown vendor profile '{name}' in migration-pool (known: {Known(vendors)})");
            if (!pool.Contains(profile)) pool.Add(profile);
        }
        return pool.Count == 0 ? Array.Empty<VendorProfile>() : pool;
    }

    /// <summary>The <c>migrations</c> list (empty when absent), each over <c>migration-defaults</c>.</summary>
    public static IReadOnlyList<MigrationSpec> Migrations(HoconConfig root, IReadOnlyList<HostSpec> hosts, IReadOnlyList<VendorProfile> vendors)
    {
        if (!root.HasPath("migrations")) return [];
        var defaults = HoconSettings.At(root, r => r.GetConfig("migration-defaults"));
        var result = new List<MigrationSpec>();
        var migrating = new HashSet<string>(StringComparer.Ordinal);
        foreach (var own in HoconSettings.At(root, r => r.GetConfigList("migrations")))
        {
            var m = own.WithFallback(defaults);
            var at = HoconSettings.OwnPosition(own);
            string vmPath = HoconSettings.At(at, m, x => x.GetString("vm"));
            var (host, vm) = FindVm(hosts, vmPath, m.GetValue("vm").Position);
            if (!migrating.Add(vmPath))
                throw new HoconException(m.GetValue("vm").Position, $"VM {vmPath} migrates twice (one migration per VM is supported)");
            string to = HoconSettings.At(at, m, x => x.GetString("to"));
            if (hosts.All(h => h.Name != to))
                throw new HoconException(m.GetValue("to").Position, $"no host '{to}' to migrate to (hosts: {string.Join(", ", hosts.Select(h => h.Name))})");
            if (to == host.Name)
                throw new HoconException(m.GetValue("to").Position, $"VM {vmPath} cannot migrate to its own host {to}");
            var (settings, policy) = Knobs(m, at, $"migration of {vmPath}");
            result.Add(new MigrationSpec
            {
                Vm = vm.Name,
                From = host.Name,
                To = to,
                At = Settings.NonNegativeDuration(m, "at"),
                Settings = settings,
                DeviceVendors = DeviceVendors(m, at, vm, vendors),
                OnLinkFailure = policy,
                PostCopyRoundTrip = Settings.NonNegativeDuration(m, "postcopy-round-trip"),
            });
        }
        return result;
    }

    /// <summary>A migration's settings and link-failure policy from the keys of migration-defaults (<paramref name="what"/> names it in errors).</summary>
    public static (MigrationSettings Settings, LinkFailurePolicy Policy) Knobs(HoconConfig m, HoconPosition at, string what)
    {
        string modeText = HoconSettings.At(at, m, x => x.GetString("mode"));
        if (!MigrationNames.TryParseMode(modeText, out var mode))
            throw new HoconException(m.GetValue("mode").Position, $"unknown migration mode '{modeText}' ({string.Join(", ", MigrationNames.ModeNames)})");
        var settings = new MigrationSettings
        {
            Mode = mode,
            Bandwidth = PositiveRate(m, "bandwidth"),
            DowntimeLimit = Settings.NonNegativeDuration(m, "downtime-limit"),
            MaxRounds = Int(m, at, "max-rounds"),
            AutoConverge = HoconSettings.At(at, m, x => x.GetBool("auto-converge")),
            ThrottleInitialPercent = Int(m, at, "cpu-throttle-initial"),
            ThrottleIncrementPercent = Int(m, at, "cpu-throttle-increment"),
            MaxThrottlePercent = Int(m, at, "max-cpu-throttle"),
            ThrottleTriggerThresholdPercent = Int(m, at, "throttle-trigger-threshold"),
            PostCopyAfterRounds = Int(m, at, "postcopy-after-rounds"),
        };
        var reasons = settings.Validate();
        if (reasons.Count > 0) throw new HoconException(at, $"{what}: {string.Join("; ", reasons)}");
        string policyText = HoconSettings.At(at, m, x => x.GetString("on-link-failure"));
        var policy = policyText switch
        {
            "abort" => LinkFailurePolicy.Abort,
            "retry" => LinkFailurePolicy.Retry,
            _ => throw new HoconException(m.GetValue("on-link-failure").Position, $"unknown on-link-failure '{policyText}' (abort or retry)"),
        };
        return (settings, policy);
    }

    /// <summary>The <c>device-switches</c> list (empty when absent).</summary>
    public static IReadOnlyList<DeviceSwitchSpec> DeviceSwitches(HoconConfig root, IReadOnlyList<HostSpec> hosts, IReadOnlyList<VendorProfile> vendors)
    {
        if (!root.HasPath("device-switches")) return [];
        var entries = new List<(DeviceSwitchSpec Spec, VendorProfile Initial, HoconPosition Position)>();
        foreach (var s in HoconSettings.At(root, r => r.GetConfigList("device-switches")))
        {
            string path = HoconSettings.At(s, x => x.GetString("device"));
            var parts = path.Split('/');
            var device = parts.Length == 3
                ? hosts.FirstOrDefault(h => h.Name == parts[0])?.Vms.FirstOrDefault(v => v.Name == parts[1])?.Devices.FirstOrDefault(d => d.Name == parts[2])
                : null;
            if (device is null) throw new HoconException(s.GetValue("device").Position, $"no device '{path}' (host/vm/device)");
            string vendorName = HoconSettings.At(s, x => x.GetString("vendor"));
            var profile = VendorProfiles.Find(vendors, vendorName)
                ?? throw new HoconException(s.GetValue("vendor").Position, $"unknown vendor profile '{vendorName}' (known: {Known(vendors)})");
            entries.Add((new DeviceSwitchSpec(Settings.NonNegativeDuration(s, "at"), path, profile), device.Profile, s.GetValue("vendor").Position));
        }
        // In time order, each switch must change the implementation the device has by then (a switch back is fine).
        var current = new Dictionary<string, VendorProfile>(StringComparer.Ordinal);
        foreach (var (spec, initial, position) in entries.OrderBy(e => e.Spec.At))
        {
            if (current.GetValueOrDefault(spec.Device, initial) == spec.Vendor)
                throw new HoconException(position, $"device {spec.Device} already is a {spec.Vendor.Name} device");
            current[spec.Device] = spec.Vendor;
        }
        return [.. entries.Select(e => e.Spec)];
    }

    /// <summary>A <c>host-crash</c> or <c>link-failure</c> fault: <c>host</c> must exist; <c>duration</c> (link failures only) defaults to 0, for good.</summary>
    public static FaultSpec HostFault(HoconConfig f, TimeSpan at, ScheduledFaultKind kind, IReadOnlyList<HostSpec> hosts)
    {
        string host = HoconSettings.At(f, x => x.GetString("host"));
        if (hosts.All(h => h.Name != host))
            throw new HoconException(f.GetValue("host").Position, $"no host '{host}' (hosts: {string.Join(", ", hosts.Select(h => h.Name))})");
        var duration = TimeSpan.Zero;
        if (f.HasPath("duration"))
        {
            if (kind != ScheduledFaultKind.LinkFailure)
                throw new HoconException(f.GetValue("duration").Position, "only a link-failure has a duration (a crashed host stays down)");
            duration = Settings.NonNegativeDuration(f, "duration");
        }
        return new FaultSpec(at, kind, "", host, duration);
    }

    private static Dictionary<string, VendorProfile> DeviceVendors(HoconConfig m, HoconPosition at, VmSpec vm, IReadOnlyList<VendorProfile> vendors)
    {
        var result = new Dictionary<string, VendorProfile>(StringComparer.Ordinal);
        var devices = HoconSettings.At(at, m, x => x.GetConfig("devices"));
        foreach (var (name, value) in devices.Root.Fields)
        {
            if (vm.Devices.All(d => d.Name != name))
                throw new HoconException(value.Position, $"VM {vm.Name} has no device '{name}' (devices: {string.Join(", ", vm.Devices.Select(d => d.Name))})");
            string vendorName = value is HoconString s ? s.Value : value.Describe();
            result[name] = VendorProfiles.Find(vendors, vendorName)
                ?? throw new HoconException(value.Position, $"unknown vendor profile '{vendorName}' for device {name} (known: {Known(vendors)})");
        }
        return result;
    }

    private static (HostSpec Host, VmSpec Vm) FindVm(IReadOnlyList<HostSpec> hosts, string path, HoconPosition at)
    {
        var parts = path.Split('/');
        var host = parts.Length == 2 ? hosts.FirstOrDefault(h => h.Name == parts[0]) : null;
        var vm = host?.Vms.FirstOrDefault(v => v.Name == parts[1]);
        return host is not null && vm is not null ? (host, vm) : throw new HoconException(at, $"no VM '{path}' (host/vm)");
    }

    private static long PositiveRate(HoconConfig c, string path)
    {
        long rate = HoconSettings.At(c, x => x.GetBytesPerSecond(path));
        return rate > 0 ? rate : throw new HoconException(c.GetValue(path).Position, $"{path} must be positive (got {rate} B/s)");
    }

    private static int Int(HoconConfig c, HoconPosition at, string path) => HoconSettings.At(at, c, x => x.GetInt(path));

    private static string Known(IReadOnlyList<VendorProfile> vendors) => string.Join(", ", vendors.Select(p => p.Name));
}
