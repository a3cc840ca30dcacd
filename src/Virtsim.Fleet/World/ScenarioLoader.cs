using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a scenario file (HOCON) into a <see cref="WorldSpec"/>. The file is parsed with the fleet reference
/// configuration (<see cref="FleetReference.Fleet"/>) below it, so every setting it leaves out takes the documented
/// default from reference.conf, it may refer to reference values (<c>${vendors.acme-vf}</c>), and its
/// <c>vendors</c> block adds or overrides vendor profiles. Every problem, syntax or meaning (unknown vendor
/// profile, device type, transport; out-of-range numbers; missing settings), is a <see cref="HoconException"/>
/// with file, line and column. The format is documented in docs/fleet.md and docs/configuration.md;
/// scenarios/quickstart.conf is an example.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Parses the scenario at <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The file is malformed or describes an impossible world.</exception>
    public static WorldSpec LoadFile(string path) => FromConfig(ParseConfigFile(path));

    /// <summary>Parses scenario text.</summary>
    /// <param name="text">The scenario.</param>
    /// <param name="sourceName">Name used in error positions (default <c>&lt;string&gt;</c>).</param>
    /// <exception cref="HoconException">The text is malformed or describes an impossible world.</exception>
    public static WorldSpec Parse(string text, string? sourceName = null) => FromConfig(ParseConfig(text, sourceName));

    /// <summary>
    /// Parses the scenario file at <paramref name="path"/> with the fleet reference below it, without building the
    /// world (<see cref="FromConfig"/> does that).
    /// </summary>
    /// <exception cref="HoconException">The file is missing or malformed.</exception>
    public static HoconConfig ParseConfigFile(string path) => HoconConfig.ParseFile(path, Options(null));

    /// <summary>
    /// Parses scenario text with the fleet reference below it, without building the world (<see cref="FromConfig"/>
    /// does that).
    /// </summary>
    /// <param name="text">The scenario.</param>
    /// <param name="sourceName">Name used in error positions (default <c>&lt;string&gt;</c>).</param>
    /// <exception cref="HoconException">The text is malformed.</exception>
    public static HoconConfig ParseConfig(string text, string? sourceName = null) => HoconConfig.Parse(text, Options(sourceName));

    /// <summary>
    /// Reads an already parsed scenario. <paramref name="root"/> must contain the fleet reference (parse it with
    /// <see cref="ParseConfig"/> or <see cref="ParseConfigFile"/>, with <see cref="HoconParseOptions.Fallback"/> =
    /// <see cref="FleetReference.Fleet"/>, or call <c>WithFallback(FleetReference.Fleet)</c>).
    /// </summary>
    /// <exception cref="HoconException">The configuration describes an impossible world.</exception>
    public static WorldSpec FromConfig(HoconConfig root)
    {
        var s = HoconSettings.At(root, r => r.GetConfig("scenario"));
        var defaults = HoconSettings.At(root, r => r.GetConfig("defaults"));
        var vmDefaults = HoconSettings.At(defaults, d => d.GetConfig("vm"));
        var hostDefaults = HoconSettings.At(defaults, d => d.GetConfig("host"));
        var vendors = VendorProfileLoader.Load(HoconSettings.At(root, r => r.GetConfig("vendors")), HoconSettings.At(root, r => r.GetConfig("vendor-defaults")));
        var hosts = new List<HostSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int seed = HoconSettings.AtLeast(s, "seed", HoconSettings.At(s, x => x.GetInt("seed")), 0);
        double ringSample = HoconSettings.Range(s, "ring-sample", HoconSettings.At(s, x => x.GetDouble("ring-sample")), 0.0, 1.0);
        var templates = new FleetTemplates(root, hostDefaults, vmDefaults, vendors, (d, vendor) => Device(d, defaults, vendors, vendor), Vm);
        foreach (var hostOwn in HoconSettings.At(root, r => r.GetConfigList("hosts")))
        {
            if (FleetTemplates.IsTemplated(hostOwn))
            {
                foreach (var generated in templates.Expand(hostOwn))
                {
                    if (!names.Add(generated.Name))
                        throw new HoconException(hostOwn.GetValue("template").Position, $"host name '{generated.Name}' is used twice");
                    hosts.Add(RingSampled(generated, seed, ringSample));
                }
                continue;
            }
            var h = hostOwn.WithFallback(hostDefaults);
            string hostName = Name(h, "host");
            if (!names.Add(hostName)) throw new HoconException(h.GetValue("name").Position, $"host name '{hostName}' is used twice");
            var vms = new List<VmSpec>();
            var vmNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vmOwn in HoconSettings.At(h, x => x.GetConfigList("vms")))
            {
                var v = vmOwn.WithFallback(vmDefaults);
                string vmName = Name(v, "vm");
                if (!vmNames.Add(vmName)) throw new HoconException(v.GetValue("name").Position, $"VM name '{vmName}' is used twice on {hostName}");
                var devices = new List<DeviceSpec>();
                var deviceNames = new HashSet<string>(StringComparer.Ordinal);
                var groupFidelity = vmOwn.HasPath("fidelity") ? vmOwn : hostOwn.HasPath("fidelity") ? hostOwn : null;
                foreach (var d in HoconSettings.At(v, x => x.GetConfigList("devices")))
                {
                    var device = Device(d, defaults, vendors);
                    device = FidelityOf(device, d, groupFidelity, $"{hostName}/{vmName}/{device.Name}", seed, ringSample);
                    if (!deviceNames.Add(device.Name)) throw new HoconException(d.GetValue("name").Position, $"device name '{device.Name}' is used twice");
                    devices.Add(device);
                }
                vms.Add(Vm(v, vmName, devices));
            }
            hosts.Add(new HostSpec { Name = hostName, Vms = vms, Bandwidth = MigrationSection.HostBandwidth(h) });
        }
        var nodeCrashes = new List<NodeCrashSpec>();
        var faults = root.HasPath("faults") ? Faults(root, hosts, nodeCrashes) : [];
        var messageFaults = root.HasPath("faults") ? MessageFaults(root, hosts) : [];
        var clockSkews = root.HasPath("faults") ? ClockSkews(root, hosts) : [];
        var migrations = MigrationSection.Migrations(root, hosts, vendors);
        var switches = MigrationSection.DeviceSwitches(root, hosts, vendors);
        var racks = WaveSection.Racks(root);
        var waves = WaveSection.Waves(root, hosts, racks, migrations);
        // A migration moves each device's state as a snapshot of its journal (the path failover uses): it needs persistence.
        bool persistent = HoconSettings.At(s, x => x.GetBool("persistence")) || faults.Any(f => f.Kind == ScheduledFaultKind.DeviceCrash)
            || migrations.Count > 0 || switches.Count > 0 || waves.Count > 0;
        var placement = PlacementSection.Read(root, hosts);
        return new WorldSpec
        {
            Placement = placement,
            Persistent = persistent,
            Name = HoconSettings.At(s, x => x.GetString("name")),
            Faults = faults,
            NodeCrashes = nodeCrashes,
            MessageFaults = messageFaults,
            ClockSkews = clockSkews,
            Migrations = migrations,
            DeviceSwitches = switches,
            Racks = racks,
            Waves = waves,
            // Not negative: System.Random seeds with the absolute value, so -N would replay the run of N.
            DefaultSeed = seed,
            SwitchLatency = Settings.NonNegativeDuration(s, "switch-latency"),
            MaxVirtualTime = Settings.PositiveDuration(s, "max-virtual-time"),
            StallTimeout = Settings.PositiveDuration(s, "stall-timeout"),
            Hosts = hosts,
        };
    }

    // A VM's own settings, checked against its devices.
    private static VmSpec Vm(HoconConfig v, string vmName, IReadOnlyList<DeviceSpec> devices)
    {
        if (devices.Count > 7) throw new HoconException(v.GetValue("devices").Position, "a VM holds at most 7 devices");
        ulong memory = (ulong)HoconSettings.Range(v, "memory", HoconSettings.At(v, x => x.GetBytes("memory")), 128L << 20, 64L << 30);
        ulong needed = DriverLayout.WindowSize * (ulong)(devices.Count + 1);
        if (memory < needed) throw new HoconException(v.GetValue("memory").Position, $"memory must be at least {needed >> 20} MiB for {devices.Count} devices");
        var (dirtyRate, workingSet) = MigrationSection.GuestWrites(v, memory);
        return new VmSpec
        {
            Name = vmName,
            MemoryBytes = memory,
            DirtyRate = dirtyRate,
            WorkingSetBytes = workingSet,
            VcpuCostPerRequest = Settings.NonNegativeDuration(v, "vcpu-cost"),
            Devices = devices,
        };
    }

    private static HoconParseOptions Options(string? sourceName) => new() { Fallback = FleetReference.Fleet, SourceName = sourceName };

    // vendorOverride: a template device's vendor drawn from its vendor-mix (the device names none).
    private static DeviceSpec Device(HoconConfig d, HoconConfig defaults, IReadOnlyList<VendorProfile> vendors, VendorProfile? vendorOverride = null)
    {
        string name = Name(d, "device");
        var typeText = HoconSettings.At(d, x => x.GetString("type"));
        var kind = typeText switch
        {
            "blk" => DeviceKind.Blk,
            "net" => DeviceKind.Net,
            _ => throw new HoconException(d.GetValue("type").Position, $"unknown device type '{typeText}' (blk or net)"),
        };
        var typeDefaults = HoconSettings.At(defaults, x => x.GetConfig(kind == DeviceKind.Blk ? "blk" : "net"));
        var merged = d.WithFallback(typeDefaults).WithFallback(HoconSettings.At(defaults, x => x.GetConfig("device")));
        var at = d.Root.Position; // the device as written (merged objects carry their fallback's position)
        var vendorName = vendorOverride?.Name ?? HoconSettings.At(at, merged, x => x.GetString("vendor"));
        var profile = vendorOverride ?? VendorProfiles.Find(vendors, vendorName)
            ?? throw new HoconException(merged.GetValue("vendor").Position,
                $"unknown vendor profile '{vendorName}' (known: {string.Join(", ", vendors.Select(p => p.Name))})");
        var transportText = HoconSettings.At(at, merged, x => x.GetString("transport"));
        var transport = transportText switch
        {
            "pci" => TransportKind.Pci,
            "mmio" => TransportKind.Mmio,
            _ => throw new HoconException(merged.GetValue("transport").Position, $"unknown transport '{transportText}' (pci or mmio)"),
        };
        var modeText = HoconSettings.At(at, merged, x => x.GetString("driver"));
        var mode = modeText switch
        {
            "interrupt" => DriverMode.Interrupt,
            "poll" => DriverMode.Poll,
            _ => throw new HoconException(merged.GetValue("driver").Position, $"unknown driver mode '{modeText}' (interrupt or poll)"),
        };
        bool packed = HoconSettings.At(at, merged, x => x.GetBool("packed"));
        return new DeviceSpec
        {
            Name = name,
            Kind = kind,
            Profile = profile,
            Transport = transport,
            DriverMode = mode,
            PackedRing = packed,
            QueueSize = QueueSize(merged, at, profile, packed),
            Requests = (int)HoconSettings.Range(merged, "requests", HoconSettings.At(at, merged, x => x.GetInt("requests")), 0, 10_000_000),
            BlockSize = BlockSize(merged, at),
            DiskSectors = (ulong)HoconSettings.Range(merged, "disk-sectors", HoconSettings.At(at, merged, x => x.GetLong("disk-sectors")), 8, 1L << 40),
            QueueDepth = (int)HoconSettings.Range(merged, "queue-depth", HoconSettings.At(at, merged, x => x.GetInt("queue-depth")), 1, 256),
            FrameSize = (int)HoconSettings.Range(merged, "frame-size", HoconSettings.At(at, merged, x => x.GetInt("frame-size")), 60, 1514),
            WriteCache = HoconSettings.At(at, merged, x => x.GetBool("write-cache")),
            DirtyTracking = HoconSettings.At(at, merged, x => x.GetBool("dirty-tracking")),
            InterruptTimeout = HoconSettings.At(at, merged, x => Settings.NonNegativeDuration(x, "interrupt-timeout")),
            MaxResets = (int)HoconSettings.Range(merged, "max-resets", HoconSettings.At(at, merged, x => x.GetInt("max-resets")), 0, 1_000_000),
            ResetWindow = HoconSettings.At(at, merged, x => Settings.NonNegativeDuration(x, "reset-window")),
            MigrationPool = MigrationSection.Pool(merged, at, vendors, kind),
            Fidelity = ParseFidelity(merged, at),
            FlowBatch = Settings.NonNegativeDuration(merged, "flow-batch"),
        };
    }

    // A generated host shares its template's device specs; only the few flow devices the ring sample keeps at ring get
    // specs of their own.
    private static HostSpec RingSampled(HostSpec host, int seed, double ringSample)
    {
        if (ringSample <= 0) return host;
        bool Kept(VmSpec vm, DeviceSpec d) =>
            d.Fidelity == Flow.Fidelity.Flow && Flow.RingSample.Keeps(seed, $"{host.Name}/{vm.Name}/{d.Name}", ringSample);
        if (!host.Vms.Any(vm => vm.Devices.Any(d => Kept(vm, d)))) return host;
        return host with
        {
            Vms = [.. host.Vms.Select(vm => vm with { Devices = [.. vm.Devices.Select(d => Kept(vm, d) ? d with { Fidelity = Flow.Fidelity.Ring } : d)] })],
        };
    }

    // A device's fidelity: its own key, else its VM's or host's `fidelity`, else the defaults; a device that does not
    // name its own and comes out at flow stays at ring with probability `ring-sample`, decided by the seed and its path
    // alone (the same device makes the same choice in a fleet of any size).
    private static DeviceSpec FidelityOf(DeviceSpec device, HoconConfig own, HoconConfig? group, string path, int seed, double ringSample)
    {
        if (own.HasPath("fidelity")) return device;
        var fidelity = group is null ? device.Fidelity : ParseFidelity(group, HoconSettings.OwnPosition(group));
        if (fidelity == Flow.Fidelity.Flow && ringSample > 0 && Flow.RingSample.Keeps(seed, path, ringSample)) fidelity = Flow.Fidelity.Ring;
        return device with { Fidelity = fidelity };
    }

    private static Flow.Fidelity ParseFidelity(HoconConfig c, HoconPosition at)
    {
        var text = HoconSettings.At(at, c, x => x.GetString("fidelity"));
        return text switch
        {
            "ring" => Flow.Fidelity.Ring,
            "flow" => Flow.Fidelity.Flow,
            _ => throw new HoconException(c.GetValue("fidelity").Position, $"unknown fidelity '{text}' (ring or flow)"),
        };
    }

    // faults = [ { at = 300us, kind = backend-crash | device-crash | refuse-device-state, device = "host/vm/device" } ]
    //        or [ { at = 2ms, kind = iommu-unmap, device = "host/vm/device" [, duration = 300us] } ]
    //        or [ { at = 2ms, kind = corrupt-memory, device = "host/vm/device", queue = 0, target = descriptor | avail-index | data } ]
    //           (or from = 1ms, until = 5ms, probability = 0.1 instead of at)
    //        or [ { at = 20ms, kind = host-crash | link-failure, host = h2 [, duration = 5ms] } ]
    //        or [ { at = 2s, kind = node-crash, role = devices | backends } ] (runs on nodes: NodeCrashSection)
    private static List<FaultSpec> Faults(HoconConfig root, List<HostSpec> hosts, List<NodeCrashSpec> nodeCrashes)
    {
        var faults = new List<FaultSpec>();
        foreach (var f in HoconSettings.At(root, r => r.GetConfigList("faults")))
        {
            string kind = HoconSettings.At(f, x => x.GetString("kind"));
            if (kind == MessageFaultSection.Kind) continue; // MessageFaults reads these
            if (kind == ClockSkewSection.Kind) continue; // ClockSkews reads these
            // A corrupt-memory fault takes a window (from, until, probability) instead of at.
            var at = kind == CorruptMemorySection.Kind && !f.HasPath("at") ? TimeSpan.Zero : Settings.NonNegativeDuration(f, "at");
            if (kind == NodeCrashSection.Kind)
            {
                nodeCrashes.Add(NodeCrashSection.Read(f, at));
                continue;
            }
            var faultKind = kind switch
            {
                "backend-crash" => ScheduledFaultKind.BackendCrash,
                "device-crash" => ScheduledFaultKind.DeviceCrash,
                "host-crash" => ScheduledFaultKind.HostCrash,
                "link-failure" => ScheduledFaultKind.LinkFailure,
                "refuse-device-state" => ScheduledFaultKind.RefuseDeviceState,
                "iommu-unmap" => ScheduledFaultKind.IommuUnmap,
                CorruptMemorySection.Kind => ScheduledFaultKind.CorruptMemory,
                _ => throw new HoconException(f.GetValue("kind").Position,
                    $"unknown fault kind '{kind}' (known: backend-crash, device-crash, host-crash, link-failure, refuse-device-state, iommu-unmap, corrupt-memory, clock-skew, message, node-crash)"),
            };
            if (faultKind is ScheduledFaultKind.HostCrash or ScheduledFaultKind.LinkFailure)
            {
                faults.Add(MigrationSection.HostFault(f, at, faultKind, hosts));
                continue;
            }
            string path = HoconSettings.At(f, x => x.GetString("device"));
            var parts = path.Split('/');
            var device = parts.Length == 3
                ? hosts.FirstOrDefault(h => h.Name == parts[0])?.Vms.FirstOrDefault(v => v.Name == parts[1])?.Devices.FirstOrDefault(d => d.Name == parts[2])
                : null;
            if (device is null) throw new HoconException(f.GetValue("device").Position, $"no device '{path}' (host/vm/device)");
            if (device.Fidelity == Flow.Fidelity.Flow && faultKind is ScheduledFaultKind.BackendCrash or ScheduledFaultKind.DeviceCrash or ScheduledFaultKind.CorruptMemory)
                throw new HoconException(f.GetValue("device").Position, $"{kind} needs a device at fidelity = ring; '{path}' is at flow");
            var duration = faultKind == ScheduledFaultKind.IommuUnmap && f.HasPath("duration") ? Settings.NonNegativeDuration(f, "duration") : TimeSpan.Zero;
            if (faultKind == ScheduledFaultKind.CorruptMemory)
            {
                faults.Add(CorruptMemorySection.Read(f, at, path, device));
                continue;
            }
            faults.Add(new FaultSpec(at, faultKind, path, Duration: duration));
        }
        return faults;
    }

    // faults = [ { kind = message, class = interrupt, action = drop, probability = 0.01, from = 2ms, until = 5ms, ... } ]
    private static List<MessageFaults.MessageFaultSpec> MessageFaults(HoconConfig root, List<HostSpec> hosts) =>
        [.. HoconSettings.At(root, r => r.GetConfigList("faults"))
            .Where(f => f.HasPath("kind") && f.GetValue("kind") is HoconString { Value: MessageFaultSection.Kind })
            .Select(f => MessageFaultSection.Read(f, hosts))];

    // faults = [ { kind = clock-skew, hosts = [h1], from = 1ms, until = 5ms, offset = 50us, drift = 1.5 } ]
    private static List<ClockSkewSpec> ClockSkews(HoconConfig root, List<HostSpec> hosts)
    {
        var skewed = new HashSet<string>(StringComparer.Ordinal);
        return [.. HoconSettings.At(root, r => r.GetConfigList("faults"))
            .Where(f => f.HasPath("kind") && f.GetValue("kind") is HoconString { Value: ClockSkewSection.Kind })
            .Select(f => ClockSkewSection.Read(f, hosts, skewed))];
    }

    // The queue size the driver programs: 8..256, at most the vendor's max-queue-size, and a power of two unless the
    // ring is packed (spec §2.7: a split ring needs a power of two; §2.8: a packed ring takes any size). A device
    // refuses a bad size only when the driver enables the queue, which would lose the run's requests without a word.
    private static ushort QueueSize(HoconConfig c, HoconPosition at, VendorProfile profile, bool packed)
    {
        int size = (int)HoconSettings.Range(c, "queue-size", HoconSettings.At(at, c, x => x.GetInt("queue-size")), 8, 256);
        var position = c.GetValue("queue-size").Position;
        if (size > profile.MaxQueueSize)
            throw new HoconException(position, $"queue-size {size} exceeds the max-queue-size {profile.MaxQueueSize} of vendor profile '{profile.Name}'");
        if (!System.Numerics.BitOperations.IsPow2(size) && !VendorProfiles.NegotiatesPackedRing(profile, packed))
        {
            string why = !packed
                ? "packed = false"
                : $"vendor profile '{profile.Name}' does not give the packed ring (not offered, or masked by drivers)";
            throw new HoconException(position, $"queue-size {size} must be a power of two for a split ring ({why}); only a packed ring takes any size");
        }
        return (ushort)size;
    }

    private static int BlockSize(HoconConfig c, HoconPosition at)
    {
        int size = HoconSettings.At(at, c, x => x.GetInt("block-size"));
        if (size < 512 || size > DriverLayout.SlotBytes || size % 512 != 0)
            throw new HoconException(c.GetValue("block-size").Position, $"block-size {size} must be a multiple of 512 between 512 and {DriverLayout.SlotBytes}");
        return size;
    }

    private static string Name(HoconConfig c, string what)
    {
        string name = HoconSettings.At(c, x => x.GetString("name"));
        Settings.CheckName(name, c.GetValue("name").Position, what);
        return name;
    }
}
