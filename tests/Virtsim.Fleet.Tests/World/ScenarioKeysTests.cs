using Virtsim.Cli.Configuration;
using Virtsim.Hosting.Node;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.World;

/// <summary>Keys of a scenario that no loader reads are found where they were written, with the likely intended key.</summary>
public class ScenarioKeysTests
{
    private static IReadOnlyList<UnknownKey> Unknown(string text) =>
        ScenarioKeys.Find(ScenarioLoader.ParseConfig(text, "t.conf"), NodeSettingsLoader.SectionSchema);

    [Fact]
    public void Migration_keys_are_known_and_typos_in_them_are_found()
    {
        var found = Unknown("""
            defaults.host.bandwith = 1GiB/s
            hosts = [ { name = h, bandwidth = 1GiB/s, vms = [ { name = v, dirty-rate = 1MiB/s, working-set = 1MiB, devices = [
                { name = d, type = blk, vendor = acme-vf, migration-pool = [acme-vf], dirty-tracking = true } ] } ] }, { name = h2 } ]
            migrations = [ { vm = "h/v", to = h2, at = 1ms, mode = pre-copy, downtime-limit = 1s, devices { d = acme-vf }, max-rouns = 3 } ]
            device-switches = [ { at = 1ms, device = "h/v/d", vendor = acme-vf, vendr = x } ]
            faults = [ { at = 1us, kind = link-failure, host = h, duration = 1ms } ]
            """);
        Assert.Equal(
        [
            "t.conf:1:26: unknown key 'bandwith' in defaults.host (did you mean 'bandwidth'?)",
            "t.conf:4:124: unknown key 'max-rouns' in migrations[] (did you mean 'max-rounds'?)",
            "t.conf:5:77: unknown key 'vendr' in device-switches[] (did you mean 'vendor'?)",
        ], found.Select(k => k.ToString()));
    }

    [Fact]
    public void Typos_in_every_section_are_found_at_their_value_with_a_suggestion()
    {
        var found = Unknown("""
            scenario { name = typo, max-virtual-tme = 1s }
            defaults.blk.reqests = 5
            vendors { mine { backend = vhost-user, timing.dorbell-cost = 1us, max-queue-sise = 64 } }
            hosts = [ { name = h, vms = [ { name = v, memroy = 256MiB, devices = [ { name = d, type = blk, vendor = mine, quueue-depth = 4 } ] } ] } ]
            faults = [ { at = 1us, kind = backend-crash, devise = "h/v/d" } ]
            virtsim { fleet { x = 1 }, actors.sed = 3 }
            hostz = []
            """);
        Assert.Equal(
        [
            "t.conf:1:43: unknown key 'max-virtual-tme' in scenario (did you mean 'max-virtual-time'?)",
            "t.conf:2:24: unknown key 'reqests' in defaults.blk (did you mean 'requests'?)",
            "t.conf:3:62: unknown key 'dorbell-cost' in vendors.mine.timing (did you mean 'doorbell-cost'?)",
            "t.conf:3:84: unknown key 'max-queue-sise' in vendors.mine (did you mean 'max-queue-size'?)",
            "t.conf:4:52: unknown key 'memroy' in hosts[].vms[] (did you mean 'memory'?)",
            "t.conf:4:126: unknown key 'quueue-depth' in hosts[].vms[].devices[] (did you mean 'queue-depth'?)",
            "t.conf:5:55: unknown key 'devise' in faults[] (did you mean 'device'?)",
            "t.conf:6:17: unknown key 'fleet' in virtsim (it is not read; see the documented settings)",
            "t.conf:6:41: unknown key 'sed' in virtsim.actors (did you mean 'seed'?)",
            "t.conf:7:9: unknown key 'hostz' at the root (did you mean 'hosts'?)",
        ], found.Select(k => k.ToString()));
    }

    [Fact]
    public void Every_setting_of_the_fleet_reference_and_of_a_device_is_known()
    {
        var settings = new List<string>();
        void Leaves(HoconObject o, string prefix)
        {
            foreach (var (key, value) in o.Fields)
            {
                if (value is HoconObject child && child.Count > 0) Leaves(child, $"{prefix}\"{key}\".");
                else settings.Add($"{prefix}\"{key}\" = {(value is HoconObject ? "{}" : value.ToJson())}");
            }
        }
        Leaves(FleetReference.Fleet.Root, "");
        Leaves(FleetReference.Fleet.GetConfig("defaults.device").Root, "defaults.blk.");
        Leaves(FleetReference.Fleet.GetConfig("vendor-defaults").Root, "vendors.new-one.");
        var deviceKeys = FleetReference.Fleet.GetConfig("defaults.device").Root.Keys.Select(k => $"{k} = {FleetReference.Fleet.GetConfig("defaults.device").GetValue(k).ToJson()}");
        var text = string.Join("\n", settings) + "\ndefaults.device.vendor = acme-vf\nvendors.new-one.backend = vhost-user\n" +
                   "hosts = [ { name = h, vms = [ { name = v, memory = 256MiB, vcpu-cost = 1us, devices = [ { name = d, type = blk, " +
                   string.Join(", ", deviceKeys) + " } ] } ] } ]\nfaults = [ { at = 1us, kind = backend-crash, device = \"h/v/d\" } ]\n" +
                   "virtsim { node.name = n, actors.seed = 1, persistence { plugin = memory, actors.snapshot-every = 5 } }";
        Assert.True(settings.Count > 40, $"only {settings.Count} settings");
        Assert.Empty(Unknown(text));
    }

    [Fact]
    public void The_repository_scenarios_have_no_unknown_keys()
    {
        var dir = Path.Combine(Virtsim.Fleet.Tests.Cli.CliHarness.RepoRoot(), "scenarios");
        // interop-*.conf are interop matrices (docs/interop.md), not fleet scenarios; their loader refuses unknown keys itself.
        foreach (var file in Directory.GetFiles(dir, "*.conf").Where(f => !Path.GetFileName(f).StartsWith("interop-", StringComparison.Ordinal)))
            Assert.Empty(ScenarioKeys.Find(ScenarioLoader.ParseConfigFile(file), NodeSettingsLoader.SectionSchema));
    }

    [Fact]
    public void Keys_read_by_a_substitution_are_not_reported_and_included_files_are_checked_in_place()
    {
        var dir = Directory.CreateTempSubdirectory("virtsim-keys-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "common.conf"), "defaults {\n  blk { block-sise = 512 }\n}\n");
            var main = Path.Combine(dir.FullName, "main.conf");
            File.WriteAllText(main, "include \"common.conf\"\ntemplates { nic { backend = vhost-user } }\n" +
                                    "vendors.mine = ${templates.nic} { subsystem-vendor-id = 7 }\nhosts = []\n");
            var found = ScenarioKeys.Find(ScenarioLoader.ParseConfigFile(main));
            var only = Assert.Single(found);
            Assert.Equal("common.conf:2:22: unknown key 'block-sise' in defaults.blk (did you mean 'block-size'?)", only.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_a_schema_for_it_the_virtsim_section_is_not_looked_into()
    {
        var config = ScenarioLoader.ParseConfig("virtsim { anything { goes = 1 } }\nhosts = []", "t.conf");
        Assert.Empty(ScenarioKeys.Find(config));
        Assert.Single(ScenarioKeys.Find(config, NodeSettingsLoader.SectionSchema));
    }
}
