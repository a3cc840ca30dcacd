using Virtsim.Fleet.Configuration;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// The keys a scenario file may hold, for reporting the ones <see cref="ScenarioLoader"/> never reads (a misspelt
/// <c>defaults.blk.reqests</c> is otherwise ignored in silence). They are the keys of the fleet reference.conf plus
/// what it leaves out: <c>defaults.device.vendor</c> and a profile's <c>backend</c> (no default), the user-named
/// profiles of <c>vendors</c>, the <c>hosts</c> / <c>vms</c> / <c>devices</c>, <c>faults</c>, <c>migrations</c> and
/// <c>device-switches</c> lists, the fleet templates and <c>waves</c>, and the
/// <c>virtsim</c> section (node settings, checked by whoever reads them).
/// </summary>
public static class ScenarioKeys
{
    private static readonly Lazy<KeySchema> Built = new(Build);

    /// <summary>The schema of a scenario file; its <c>virtsim</c> section is not looked into.</summary>
    public static KeySchema Schema => Built.Value;

    /// <summary>
    /// The keys of <paramref name="scenario"/> that no loader reads, where they were written.
    /// </summary>
    /// <param name="scenario">A scenario parsed by <see cref="ScenarioLoader.ParseConfig"/> or <see cref="ScenarioLoader.ParseConfigFile"/>.</param>
    /// <param name="virtsimSection">The keys of the scenario's <c>virtsim { ... }</c> section (node settings), or null to accept any.</param>
    public static IReadOnlyList<UnknownKey> Find(HoconConfig scenario, KeySchema? virtsimSection = null) =>
        UnknownKeys.Find(scenario, virtsimSection is null ? Schema : Schema.With("virtsim", virtsimSection));

    private static KeySchema Build()
    {
        var fleet = FleetReference.Fleet;
        var any = KeySchema.Anything;
        KeySchema Reference(string path) => KeySchema.FromReference(fleet.GetConfig(path).Root);

        var deviceDefaults = Reference("defaults.device").With("vendor", any);
        // A device as ScenarioLoader reads it: its own name and type, then every device setting.
        var device = deviceDefaults.With("name", any).With("type", any);
        var vm = Reference("defaults.vm").With("name", any).With("fidelity", any).With("devices", KeySchema.ListOf(device));
        var host = Reference("defaults.host").With("name", any).With("fidelity", any).With("vms", KeySchema.ListOf(vm))
            .With("template", any).With("count", any).With("name-prefix", any);
        // Fleet templates: a host template's VMs are groups of a VM template; a template device may give a vendor-mix.
        var vmGroup = KeySchema.Object([new("template", any), new("count", any), new("name-prefix", any)]);
        var hostTemplate = Reference("defaults.host").With("vms", KeySchema.ListOf(vmGroup));
        var vmTemplate = Reference("defaults.vm").With("devices", KeySchema.ListOf(device.With("vendor-mix", any)));
        // A wave: its own keys and any of migration-defaults (the settings of its migrations).
        var wave = Reference("migration-defaults").Keys.Aggregate(Reference("wave-defaults"), (w, key) => w.With(key, any));
        // A device fault names its device; a host-crash or link-failure its host (and a link failure its duration).
        // A message fault: its class, action, window, probability, selector lists and delay (docs/faults.md).
        // A corrupt-memory fault: its queue and target; a clock-skew fault: its offset and drift.
        var fault = KeySchema.Object([new("at", any), new("kind", any), new("device", any), new("host", any), new("duration", any),
            new("class", any), new("action", any), new("probability", any), new("from", any), new("until", any), new("devices", any),
            new("queues", any), new("hosts", any), new("vendors", any), new("delay", any), new("queue", any), new("target", any),
            new("offset", any), new("drift", any), new("role", any)]);
        // A migration: the VM, where to, and anything of migration-defaults (devices maps device names to vendors).
        var migration = Reference("migration-defaults").With("vm", any).With("to", any).With("devices", any);
        var deviceSwitch = KeySchema.Object([new("at", any), new("device", any), new("vendor", any)]);
        var vendor = Reference("vendor-defaults").With("backend", any);
        return KeySchema.FromReference(fleet.Root)
            .With("defaults.device", deviceDefaults)
            .With("defaults.blk", deviceDefaults)
            .With("defaults.net", deviceDefaults)
            .With("vendor-defaults", vendor)
            .With("vendors", KeySchema.MapOf(vendor))
            .With("hosts", KeySchema.ListOf(host))
            .With("faults", KeySchema.ListOf(fault))
            .With("migrations", KeySchema.ListOf(migration))
            .With("device-switches", KeySchema.ListOf(deviceSwitch))
            .With("host-templates", KeySchema.MapOf(hostTemplate))
            .With("vm-templates", KeySchema.MapOf(vmTemplate))
            .With("waves", KeySchema.ListOf(wave))
            .With("placement", any) // device paths as keys: PlacementSection checks each
            .With("virtsim", any);
    }
}
