using System.Diagnostics;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.World;

public class FleetTemplateTests
{
    // A fleet of `hosts` hosts, 2 VMs each, a blk and a net device per VM; blk devices by a three-vendor mix.
    public static string Fleet(int hosts, string extra = "", string mix = "{ acme-vf = 0.5, swift-vhost = 0.3, nimble-vdpa = 0.2 }") => $$"""
        scenario { name = fleet, seed = 42 }
        defaults { blk { requests = 4, disk-sectors = 4096 }, net { requests = 4 } }
        vm-templates {
          small-vm { memory = 128MiB, devices = [
            { name = blk0, type = blk, vendor-mix = {{mix}} }
            { name = net0, type = net, vendor = swift-vhost }
          ] }
        }
        host-templates { rack-host { bandwidth = 3125MB/s, vms = [ { template = small-vm, count = 2 } ] } }
        hosts = [ { count = {{hosts}}, template = rack-host, name-prefix = h } ]
        {{extra}}
        """;

    [Fact]
    public void A_template_entry_expands_to_numbered_hosts_vms_and_devices()
    {
        var spec = ScenarioLoader.Parse(Fleet(1200));
        Assert.Equal(1200, spec.Hosts.Count);
        Assert.Equal(["h0001", "h0002"], spec.Hosts.Take(2).Select(h => h.Name));
        Assert.Equal("h1200", spec.Hosts[^1].Name);
        Assert.All(spec.Hosts, h => Assert.Equal(["vm1", "vm2"], h.Vms.Select(v => v.Name)));
        Assert.All(spec.Hosts, h => Assert.Equal(3_125_000_000, h.Bandwidth));
        Assert.Equal(4800, spec.AllDevices().Count());
        Assert.All(spec.AllDevices(), x => Assert.Equal(x.Device.Name == "blk0" ? DeviceKind.Blk : DeviceKind.Net, x.Device.Kind));
        Assert.All(spec.AllDevices(), x => Assert.Equal(4, x.Device.Requests));
        Assert.Equal(128UL << 20, spec.Hosts[7].Vms[1].MemoryBytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(333)]
    [InlineData(2000)]
    public void Vendor_shares_hold_within_one_device_for_every_fleet_size(int hosts)
    {
        var blk = ScenarioLoader.Parse(Fleet(hosts)).AllDevices().Where(x => x.Device.Kind == DeviceKind.Blk).ToList();
        int n = blk.Count;
        foreach (var (vendor, share) in new[] { ("acme-vf", 0.5), ("swift-vhost", 0.3), ("nimble-vdpa", 0.2) })
        {
            int count = blk.Count(x => x.Device.Profile.Name == vendor);
            Assert.InRange(count, share * n - 1, share * n + 1);
        }
        // The net devices name one vendor: no mix.
        Assert.All(ScenarioLoader.Parse(Fleet(hosts)).AllDevices().Where(x => x.Device.Kind == DeviceKind.Net), x => Assert.Equal("swift-vhost", x.Device.Profile.Name));
    }

    [Fact]
    public void The_fleet_is_the_same_at_every_load_and_for_every_seed()
    {
        static List<string> Vendors(string text) => ScenarioLoader.Parse(text).AllDevices().Select(x => $"{x.Host.Name}/{x.Vm.Name}/{x.Device.Name}={x.Device.Profile.Name}").ToList();
        var first = Vendors(Fleet(500));
        Assert.Equal(first, Vendors(Fleet(500)));
        Assert.Equal(first, Vendors(Fleet(500).Replace("seed = 42", "seed = 7", StringComparison.Ordinal)));
        // Not a constant: the mix changes vendor from one VM to the next.
        Assert.True(first.Take(12).Distinct().Count() > 6);
    }

    [Fact]
    public void Templates_mix_with_explicit_hosts_and_other_groups()
    {
        var spec = ScenarioLoader.Parse(Fleet(3, """
            hosts += { name = spare, vms = [] }
            hosts += { template = rack-host, count = 12, name-prefix = b, bandwidth = 100MB/s }
            """));
        Assert.Equal(["h1", "h2", "h3", "spare", "b01"], spec.Hosts.Take(5).Select(h => h.Name));
        Assert.Equal(16, spec.Hosts.Count);
        Assert.Equal(100_000_000, spec.Hosts[^1].Bandwidth);
    }

    [Fact]
    public void Twenty_thousand_hosts_load_in_a_few_seconds_and_time_grows_linearly()
    {
        ScenarioLoader.Parse(Fleet(100)); // warm up the JIT
        var small = Stopwatch.StartNew();
        var specSmall = ScenarioLoader.Parse(Fleet(2000));
        small.Stop();
        var large = Stopwatch.StartNew();
        var spec = ScenarioLoader.Parse(Fleet(20000));
        large.Stop();
        Assert.Equal(80000, spec.AllDevices().Count());
        Assert.Equal(8000, specSmall.AllDevices().Count());
        // Measured about 0.2 s on the 2-core machine; generous for a loaded CI box.
        Assert.True(large.Elapsed < TimeSpan.FromSeconds(10), $"20,000 hosts took {large.Elapsed}");
        // Ten times the fleet: well under a hundred times the time (a quadratic loader would take ~100x).
        Assert.True(large.Elapsed.TotalMilliseconds < 30 * Math.Max(small.Elapsed.TotalMilliseconds, 10), $"2,000 hosts {small.Elapsed}, 20,000 hosts {large.Elapsed}");
    }

    [Theory]
    [InlineData("count = 0, template = rack-host", "t.conf:10:21: count 0 is outside 1..1000000")]
    [InlineData("count = 2, template = rack-hots", "t.conf:10:35: unknown template 'rack-hots' in host-templates (known: rack-host)")]
    public void Bad_host_entries_are_errors_at_the_value(string entry, string expected)
    {
        var text = Fleet(1).Replace("count = 1, template = rack-host, name-prefix = h", entry, StringComparison.Ordinal);
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(text, "t.conf"));
        Assert.Equal(expected, ex.Message);
    }

    [Theory]
    [InlineData("{ acme-vf = 0.5, swift-vhost = 0.4 }", "t.conf:5:45: vendor-mix shares sum to 0.9, not 1")]
    [InlineData("{ acme-vf = 0.5, nope = 0.5 }", "t.conf:5:69: unknown vendor profile 'nope' in vendor-mix")]
    [InlineData("{ acme-vf = 1.5 }", "t.conf:5:57: the share of acme-vf must be above 0 and at most 1 (got 1.5)")]
    [InlineData("{ acme-vf = 0, swift-vhost = 1 }", "t.conf:5:57: the share of acme-vf must be above 0")]
    [InlineData("swift-vhost", "t.conf:5:45: vendor-mix must be an object")]
    public void Bad_vendor_mixes_are_errors_at_the_value(string mix, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(Fleet(2, mix: mix), "t.conf"));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void An_unknown_vm_template_is_an_error_at_its_name()
    {
        var text = Fleet(2).Replace("{ template = small-vm, count = 2 }", "{ template = big-vm, count = 2 }", StringComparison.Ordinal);
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(text, "t.conf"));
        Assert.Equal("t.conf:9:73: unknown template 'big-vm' in vm-templates (known: small-vm)", ex.Message);
    }

    [Fact]
    public void Template_keys_are_known_to_the_unknown_key_check()
    {
        Assert.Empty(ScenarioKeys.Find(ScenarioLoader.ParseConfig(Fleet(2))));
        var typo = ScenarioLoader.ParseConfig(Fleet(2).Replace("name-prefix = h", "name-prefx = h", StringComparison.Ordinal));
        Assert.Contains(ScenarioKeys.Find(typo), k => k.ToString().Contains("name-prefx", StringComparison.Ordinal));
    }
}
