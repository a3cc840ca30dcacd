using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a scenario file (HOCON) into a <see cref="WorldSpec"/>. Every problem, syntax or meaning (unknown vendor
/// profile, device type, transport; out-of-range numbers), is a <see cref="HoconException"/> with file, line and
/// column. The format is documented in docs/fleet.md; scenarios/quickstart.conf is an example.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Parses the scenario at <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The file is malformed or describes an impossible world.</exception>
    public static WorldSpec LoadFile(string path) => FromConfig(HoconConfig.ParseFile(path));

    /// <summary>Parses scenario text.</summary>
    /// <exception cref="HoconException">The text is malformed or describes an impossible world.</exception>
    public static WorldSpec Parse(string text) => FromConfig(HoconConfig.Parse(text));

    private static WorldSpec FromConfig(HoconConfig root)
    {
        var s = root.HasPath("scenario") ? root.GetConfig("scenario") : HoconConfig.Empty;
        var defaults = root.HasPath("defaults") ? root.GetConfig("defaults") : HoconConfig.Empty;
        var hosts = new List<HostSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in root.GetConfigList("hosts"))
        {
            string hostName = Name(h, "host");
            if (!names.Add(hostName)) throw new HoconException(h.GetValue("name").Position, $"host name '{hostName}' is used twice");
            var vms = new List<VmSpec>();
            var vmNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in h.GetConfigList("vms"))
            {
                string vmName = Name(v, "vm");
                if (!vmNames.Add(vmName)) throw new HoconException(v.GetValue("name").Position, $"VM name '{vmName}' is used twice on {hostName}");
                var devices = new List<DeviceSpec>();
                var deviceNames = new HashSet<string>(StringComparer.Ordinal);
                foreach (var d in v.GetConfigList("devices"))
                {
                    var device = Device(d, defaults);
                    if (!deviceNames.Add(device.Name)) throw new HoconException(d.GetValue("name").Position, $"device name '{device.Name}' is used twice");
                    devices.Add(device);
                }
                if (devices.Count > 7) throw new HoconException(v.GetValue("devices").Position, "a VM holds at most 7 devices");
                ulong memory = v.HasPath("memory") ? (ulong)Range(v, "memory", v.GetBytes("memory"), 128L << 20, 64L << 30) : 256UL << 20;
                ulong needed = DriverLayout.WindowSize * (ulong)(devices.Count + 1);
                if (memory < needed) throw new HoconException(v.GetValue("memory").Position, $"memory must be at least {needed >> 20} MiB for {devices.Count} devices");
                vms.Add(new VmSpec
                {
                    Name = vmName,
                    MemoryBytes = memory,
                    VcpuCostPerRequest = v.HasPath("vcpu-cost") ? v.GetDuration("vcpu-cost") : TimeSpan.FromMicroseconds(0.5),
                    Devices = devices,
                });
            }
            hosts.Add(new HostSpec { Name = hostName, Vms = vms });
        }
        var faults = root.HasPath("faults") ? Faults(root, hosts) : [];
        return new WorldSpec
        {
            Name = s.HasPath("name") ? s.GetString("name") : "scenario",
            Faults = faults,
            DefaultSeed = s.HasPath("seed") ? s.GetInt("seed") : 1,
            SwitchLatency = s.HasPath("switch-latency") ? s.GetDuration("switch-latency") : TimeSpan.FromMicroseconds(1),
            MaxVirtualTime = s.HasPath("max-virtual-time") ? s.GetDuration("max-virtual-time") : TimeSpan.FromSeconds(60),
            Hosts = hosts,
        };
    }

    private static DeviceSpec Device(HoconConfig d, HoconConfig defaults)
    {
        string name = Name(d, "device");
        var typeValue = d.GetValue("type");
        var kind = d.GetString("type") switch
        {
            "blk" => DeviceKind.Blk,
            "net" => DeviceKind.Net,
            var other => throw new HoconException(typeValue.Position, $"unknown device type '{other}' (blk or net)"),
        };
        var merged = defaults.HasPath(kind == DeviceKind.Blk ? "blk" : "net")
            ? d.WithFallback(defaults.GetConfig(kind == DeviceKind.Blk ? "blk" : "net"))
            : d;
        var vendorValue = merged.GetValue("vendor");
        var profile = VendorProfiles.Find(merged.GetString("vendor"))
            ?? throw new HoconException(vendorValue.Position,
                $"unknown vendor profile '{merged.GetString("vendor")}' (known: {string.Join(", ", VendorProfiles.All.Select(p => p.Name))})");
        var transport = merged.HasPath("transport") ? merged.GetString("transport") switch
        {
            "pci" => TransportKind.Pci,
            "mmio" => TransportKind.Mmio,
            var other => throw new HoconException(merged.GetValue("transport").Position, $"unknown transport '{other}' (pci or mmio)"),
        } : TransportKind.Pci;
        var mode = merged.HasPath("driver") ? merged.GetString("driver") switch
        {
            "interrupt" => DriverMode.Interrupt,
            "poll" => DriverMode.Poll,
            var other => throw new HoconException(merged.GetValue("driver").Position, $"unknown driver mode '{other}' (interrupt or poll)"),
        } : DriverMode.Interrupt;
        var spec = new DeviceSpec { Name = name, Kind = kind, Profile = profile, Transport = transport, DriverMode = mode };
        return spec with
        {
            PackedRing = merged.HasPath("packed") ? merged.GetBool("packed") : spec.PackedRing,
            QueueSize = merged.HasPath("queue-size") ? (ushort)Range(merged, "queue-size", merged.GetInt("queue-size"), 8, 256) : spec.QueueSize,
            Requests = merged.HasPath("requests") ? (int)Range(merged, "requests", merged.GetInt("requests"), 0, 10_000_000) : spec.Requests,
            BlockSize = merged.HasPath("block-size") ? BlockSize(merged) : spec.BlockSize,
            DiskSectors = merged.HasPath("disk-sectors") ? (ulong)Range(merged, "disk-sectors", merged.GetLong("disk-sectors"), 8, 1L << 40) : spec.DiskSectors,
            QueueDepth = merged.HasPath("queue-depth") ? (int)Range(merged, "queue-depth", merged.GetInt("queue-depth"), 1, 256) : spec.QueueDepth,
            FrameSize = merged.HasPath("frame-size") ? (int)Range(merged, "frame-size", merged.GetInt("frame-size"), 60, 1514) : spec.FrameSize,
            WriteCache = merged.HasPath("write-cache") ? merged.GetBool("write-cache") : spec.WriteCache,
        };
    }

    // faults = [ { at = 300us, kind = backend-crash, device = "host/vm/device" } ]
    private static List<FaultSpec> Faults(HoconConfig root, List<HostSpec> hosts)
    {
        var faults = new List<FaultSpec>();
        foreach (var f in root.GetConfigList("faults"))
        {
            var at = f.GetDuration("at");
            if (at < TimeSpan.Zero) throw new HoconException(f.GetValue("at").Position, "at must not be negative");
            string kind = f.GetString("kind");
            if (kind != "backend-crash") throw new HoconException(f.GetValue("kind").Position, $"unknown fault kind '{kind}' (known: backend-crash)");
            string path = f.GetString("device");
            var parts = path.Split('/');
            var device = parts.Length == 3
                ? hosts.FirstOrDefault(h => h.Name == parts[0])?.Vms.FirstOrDefault(v => v.Name == parts[1])?.Devices.FirstOrDefault(d => d.Name == parts[2])
                : null;
            if (device is null) throw new HoconException(f.GetValue("device").Position, $"no device '{path}' (host/vm/device)");
            if (device.Kind != DeviceKind.Blk) throw new HoconException(f.GetValue("device").Position, $"backend-crash needs a blk device; '{path}' is {device.Kind}");
            faults.Add(new FaultSpec(at, ScheduledFaultKind.BackendCrash, path));
        }
        return faults;
    }

    private static int BlockSize(HoconConfig c)
    {
        int size = c.GetInt("block-size");
        if (size < 512 || size > DriverLayout.SlotBytes || size % 512 != 0)
            throw new HoconException(c.GetValue("block-size").Position, $"block-size {size} must be a multiple of 512 between 512 and {DriverLayout.SlotBytes}");
        return size;
    }

    private static string Name(HoconConfig c, string what)
    {
        string name = c.GetString("name");
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            throw new HoconException(c.GetValue("name").Position, $"{what} name '{name}' must be letters, digits, '-' or '_'");
        return name;
    }

    private static long Range(HoconConfig c, string path, long value, long min, long max) =>
        value >= min && value <= max ? value : throw new HoconException(c.GetValue(path).Position, $"{path} {value} is outside {min}..{max}");
}
