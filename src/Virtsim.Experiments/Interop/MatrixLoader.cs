using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// Reads a matrix file (HOCON; keys in docs/interop.md). Every mistake is a <see cref="HoconException"/> at the
/// offending value (file:line:col): an unknown key, an unknown driver, device, type, transport, ring, feature or
/// feature set (with the valid names listed), a value of the wrong kind, an expect-fail entry without a reason.
/// </summary>
public static class MatrixLoader
{
    private static readonly string[] Keys =
        ["drivers", "devices", "types", "transports", "rings", "feature-sets", "vendors", "requests", "timeout", "expect-fail"];

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The file is malformed or names something unknown.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static InteropMatrix LoadFile(string path) => Load(HoconConfig.ParseFile(path), path);

    /// <summary>Loads a parsed matrix.</summary>
    /// <exception cref="HoconException">The matrix names something unknown.</exception>
    public static InteropMatrix Load(HoconConfig config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in config.Root.Fields)
            if (!Keys.Contains(key)) throw new HoconException(value.Position, $"unknown key '{key}' (known: {string.Join(", ", Keys)})");

        var profiles = VendorProfiles.All.ToList();
        if (config.HasPath("vendors"))
            foreach (var p in VendorProfileLoader.Load(config.GetConfig("vendors"), FleetReference.Fleet.GetConfig("vendor-defaults")))
            {
                profiles.RemoveAll(x => string.Equals(x.Name, p.Name, StringComparison.OrdinalIgnoreCase));
                profiles.Add(p);
            }
        var deviceCatalogue = profiles.Select(InteropDevice.Of).Concat(InteropDevice.Peers).ToList();

        var drivers = List(config, "drivers", ["kernel", "poll"], Driver);
        var devices = List(config, "devices", VendorProfiles.All.Select(p => p.Name).ToArray(), v => Named(v, "device", deviceCatalogue, d => d.Name));
        var types = List(config, "types", ["blk", "net"], v => Named(v, "device type",
            [VhostUserDeviceKind.Blk, VhostUserDeviceKind.Net], t => t == VhostUserDeviceKind.Blk ? "blk" : "net"));
        var transports = List(config, "transports", ["pci", "mmio"], v => Named(v, "transport", InteropNames.Transports, t => t.Name()));
        var rings = List(config, "rings", ["split", "packed"], v => Named(v, "ring", [QueueFormat.Split, QueueFormat.Packed],
            r => r == QueueFormat.Packed ? "packed" : "split"));
        var featureSets = List(config, "feature-sets", ["default"], FeatureSetOf);
        var options = new InteropOptions
        {
            Requests = config.HasPath("requests") ? (int)HoconSettings.Range(config, "requests", config.GetInt("requests"), 1, 100_000) : 64,
            Timeout = config.HasPath("timeout") ? Positive(config) : TimeSpan.FromSeconds(10),
        };
        var expectations = config.HasPath("expect-fail") ? Expectations(config.GetValue("expect-fail"), drivers, devices, featureSets) : [];

        var cells = new List<InteropCell>();
        int notApplicable = 0;
        foreach (var driver in drivers)
        foreach (var device in devices)
        foreach (var type in types)
        foreach (var transport in transports)
        foreach (var ring in rings)
        foreach (var features in featureSets)
        {
            bool fits = driver.Supports(transport) && device.Supports(transport) && device.Has(type)
                && (driver.Kind != InteropDriverKind.DpdkVirtioUser || (type == VhostUserDeviceKind.Net && device.Kind == InteropDeviceKind.VirtsimVhostUser));
            if (!fits) { notApplicable++; continue; }
            var cell = new InteropCell(driver, device, type, transport, ring, features, null);
            cells.Add(cell with { ExpectFail = expectations.FirstOrDefault(e => e.Matches(cell))?.Reason });
        }
        return new InteropMatrix(source, cells, notApplicable, options);
    }

    private static TimeSpan Positive(HoconConfig config)
    {
        var timeout = config.GetDuration("timeout");
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1))
            throw new HoconException(config.GetValue("timeout").Position, "timeout must be more than 0 and at most 1h");
        return timeout;
    }

    private static IReadOnlyList<T> List<T>(HoconConfig config, string key, string[] defaults, Func<HoconValue, T> read)
    {
        if (!config.HasPath(key)) return defaults.Select(d => read(new HoconString(d, new HoconPosition("<default>", 1, 1)))).ToList();
        if (config.GetValue(key) is not HoconArray array) throw new HoconException(config.GetValue(key).Position, $"{key} must be a list");
        if (array.Items.Count == 0) throw new HoconException(array.Position, $"{key} is empty: the matrix would have no cells");
        return array.Items.Select(read).ToList();
    }

    private static string Text(HoconValue value, string what) => value switch
    {
        HoconString s => s.Value,
        HoconNumber n => n.Text,
        _ => throw new HoconException(value.Position, $"a {what} name was expected but found {value.Describe()}"),
    };

    private static T Named<T>(HoconValue value, string what, IReadOnlyList<T> valid, Func<T, string> name)
    {
        string text = Text(value, what);
        foreach (var v in valid)
            if (string.Equals(name(v), text, StringComparison.OrdinalIgnoreCase)) return v;
        throw new HoconException(value.Position, $"unknown {what} '{text}' (valid: {string.Join(", ", valid.Select(name))})");
    }

    private static InteropDriver Driver(HoconValue value)
    {
        if (value is not HoconObject o) return Named(value, "driver", InteropDriver.BuiltIn, d => d.Name);
        string name = Field(o, "name", "driver");
        string mode = o.TryGetValue("mode", out var modeValue) ? Text(modeValue, "mode") : "interrupt";
        string table = o.TryGetValue("quirk-table", out var tableValue) ? Text(tableValue, "quirk-table") : "vendor";
        if (InteropDriver.BuiltIn.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
            throw new HoconException(o.Position, $"driver model '{name}' is built in; give yours another name");
        foreach (var (key, field) in o.Fields)
            if (key is not ("name" or "mode" or "quirk-table"))
                throw new HoconException(field.Position, $"unknown key '{key}' in a driver model (name, mode, quirk-table)");
        var m = mode switch
        {
            "interrupt" => DriverMode.Interrupt,
            "poll" => DriverMode.Poll,
            _ => throw new HoconException(modeValue!.Position, $"unknown mode '{mode}' (valid: interrupt, poll)"),
        };
        bool quirks = table switch
        {
            "vendor" => true,
            "none" => false,
            _ => throw new HoconException(tableValue!.Position, $"unknown quirk-table '{table}' (valid: vendor, none)"),
        };
        return new InteropDriver(name, InteropDriverKind.InProcess, m, quirks);
    }

    private static string Field(HoconObject o, string key, string what) =>
        o.TryGetValue(key, out var v) ? Text(v, what) : throw new HoconException(o.Position, $"a {what} needs '{key}'");

    private static InteropFeatureSet FeatureSetOf(HoconValue value)
    {
        if (value is not HoconObject o) return Named(value, "feature set", InteropFeatureSet.BuiltIn, f => f.Name);
        string name = Field(o, "name", "feature set");
        foreach (var (key, field) in o.Fields)
            if (key is not ("name" or "features"))
                throw new HoconException(field.Position, $"unknown key '{key}' in a feature set (name, features)");
        if (!o.TryGetValue("features", out var list) || list is not HoconArray array)
            throw new HoconException(o.Position, $"feature set '{name}' needs 'features', a list of feature names");
        var bits = FeatureSet.None;
        foreach (var item in array.Items)
        {
            string text = Text(item, "feature");
            bits |= FeatureSet.Of(FeatureNameLookup.TryParse(text) ?? throw new HoconException(item.Position,
                $"unknown feature '{text}' (valid: {string.Join(", ", FeatureNameLookup.Names)}, or BIT_n)"));
        }
        return new InteropFeatureSet(name, FeatureSetKind.Explicit, bits);
    }

    private static List<Expectation> Expectations(HoconValue value, IReadOnlyList<InteropDriver> drivers, IReadOnlyList<InteropDevice> devices,
        IReadOnlyList<InteropFeatureSet> sets)
    {
        if (value is not HoconArray array) throw new HoconException(value.Position, "expect-fail must be a list of { driver, device, ..., reason }");
        var result = new List<Expectation>();
        foreach (var item in array.Items)
        {
            if (item is not HoconObject o) throw new HoconException(item.Position, $"an expect-fail entry must be an object but is {item.Describe()}");
            string? Get(string key, IEnumerable<string> valid)
            {
                if (!o.TryGetValue(key, out var v)) return null;
                string text = Text(v, key);
                var names = valid.ToList();
                if (!names.Contains(text, StringComparer.OrdinalIgnoreCase))
                    throw new HoconException(v.Position, $"unknown {key} '{text}' in expect-fail (valid here: {string.Join(", ", names)})");
                return text;
            }
            foreach (var (key, field) in o.Fields)
                if (key is not ("driver" or "device" or "type" or "transport" or "ring" or "feature-set" or "reason"))
                    throw new HoconException(field.Position, $"unknown key '{key}' in expect-fail (driver, device, type, transport, ring, feature-set, reason)");
            string reason = o.TryGetValue("reason", out var r) ? Text(r, "reason") : throw new HoconException(o.Position, "an expect-fail entry needs a reason");
            if (string.IsNullOrWhiteSpace(reason)) throw new HoconException(r.Position, "the reason of an expect-fail entry is empty");
            result.Add(new Expectation(Get("driver", drivers.Select(d => d.Name)), Get("device", devices.Select(d => d.Name)),
                Get("type", ["blk", "net"]), Get("transport", InteropNames.Transports.Select(t => t.Name())), Get("ring", ["split", "packed"]),
                Get("feature-set", sets.Select(s => s.Name)), reason));
        }
        return result;
    }

    private sealed record Expectation(string? Driver, string? Device, string? Type, string? Transport, string? Ring, string? FeatureSet, string Reason)
    {
        public bool Matches(InteropCell c) =>
            Is(Driver, c.Driver.Name) && Is(Device, c.Device.Name) && Is(Type, c.TypeName) && Is(Transport, c.Transport.Name())
            && Is(Ring, c.RingName) && Is(FeatureSet, c.Features.Name);

        private static bool Is(string? wanted, string actual) => wanted is null || string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);
    }
}
