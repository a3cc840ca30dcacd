using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Migration;

/// <summary>The scenario keys of live migration: migrations, guest writes, host bandwidth, pools, switches, host faults.</summary>
public class MigrationScenarioTests
{
    private const string World = """
        hosts = [
          { name = h1, bandwidth = 10GiB/s, vms = [
            { name = vm1, memory = 128MiB, dirty-rate = 64MiB/s, working-set = 8MiB, devices = [
              { name = blk0, type = blk, vendor = acme-vf, migration-pool = [acme-vf, swift-vhost] }
              { name = net0, type = net, vendor = swift-vhost, dirty-tracking = false }
            ] }
            { name = idle, memory = 128MiB }
          ] }
          { name = h2 }
          { name = h3, vms = [] }
        ]
        """;

    [Fact]
    public void Reads_migrations_with_their_settings_and_the_world_keys()
    {
        var spec = ScenarioLoader.Parse(World + """

            migrations = [
              { vm = "h1/vm1", to = h2, at = 5ms, mode = hybrid, bandwidth = 1GiB/s, downtime-limit = 50ms, max-rounds = 4,
                auto-converge = on, cpu-throttle-initial = 30, postcopy-after-rounds = 2, postcopy-round-trip = 40us,
                on-link-failure = retry, devices { blk0 = swift-vhost } }
              { vm = "h1/idle", to = h3 }
            ]
            device-switches = [ { device = "h1/vm1/net0", vendor = acme-vf, at = 3ms } ]
            """);
        var h1 = spec.Hosts[0];
        Assert.Equal(10L << 30, h1.Bandwidth);
        Assert.Equal(1_250_000_000, spec.Hosts[1].Bandwidth); // the reference's 10 Gbit/s
        Assert.Empty(spec.Hosts[1].Vms);
        var vm1 = h1.Vms[0];
        Assert.Equal((64L << 20, 8L << 20), (vm1.DirtyRate, vm1.WorkingSetBytes));
        Assert.Equal((16L << 20, 64L << 20), (h1.Vms[1].DirtyRate, h1.Vms[1].WorkingSetBytes)); // defaults
        Assert.Empty(h1.Vms[1].Devices);
        Assert.Equal(["acme-vf", "swift-vhost"], vm1.Devices[0].MigrationPool.Select(p => p.Name));
        Assert.True(vm1.Devices[0].DirtyTracking);
        Assert.False(vm1.Devices[1].DirtyTracking);
        Assert.True(spec.Persistent); // device state moves through the journal

        var m = spec.Migrations[0];
        Assert.Equal(("vm1", "h1", "h2", "h1/vm1"), (m.Vm, m.From, m.To, m.VmPath));
        Assert.Equal(TimeSpan.FromMilliseconds(5), m.At);
        Assert.Equal(MigrationMode.Hybrid, m.Settings.Mode);
        Assert.Equal(1L << 30, m.Settings.Bandwidth);
        Assert.Equal(TimeSpan.FromMilliseconds(50), m.Settings.DowntimeLimit);
        Assert.Equal((4, true, 30, 10, 2), (m.Settings.MaxRounds, m.Settings.AutoConverge, m.Settings.ThrottleInitialPercent,
            m.Settings.ThrottleIncrementPercent, m.Settings.PostCopyAfterRounds));
        Assert.Equal(TimeSpan.FromMicroseconds(40), m.PostCopyRoundTrip);
        Assert.Equal(LinkFailurePolicy.Retry, m.OnLinkFailure);
        Assert.Equal("swift-vhost", m.DeviceVendors["blk0"].Name);

        var d = spec.Migrations[1];
        Assert.Equal((MigrationMode.PreCopy, MigrationSettings.DefaultBandwidth, MigrationSettings.DefaultDowntimeLimit, 30, false),
            (d.Settings.Mode, d.Settings.Bandwidth, d.Settings.DowntimeLimit, d.Settings.MaxRounds, d.Settings.AutoConverge));
        Assert.Equal((TimeSpan.Zero, LinkFailurePolicy.Abort), (d.At, d.OnLinkFailure));
        Assert.Empty(d.DeviceVendors);

        var s = Assert.Single(spec.DeviceSwitches);
        Assert.Equal((TimeSpan.FromMilliseconds(3), "h1/vm1/net0", "acme-vf"), (s.At, s.Device, s.Vendor.Name));
    }

    [Fact]
    public void Host_faults_name_a_host_and_a_link_failure_may_last()
    {
        var spec = ScenarioLoader.Parse(World + """

            faults = [
              { at = 20ms, kind = host-crash, host = h2 }
              { at = 1ms, kind = link-failure, host = h1, duration = 5ms }
              { at = 0s, kind = refuse-device-state, device = "h1/vm1/blk0" }
            ]
            """);
        Assert.Equal(new FaultSpec(TimeSpan.FromMilliseconds(20), ScheduledFaultKind.HostCrash, "", "h2"), spec.Faults[0]);
        Assert.Equal(new FaultSpec(TimeSpan.FromMilliseconds(1), ScheduledFaultKind.LinkFailure, "", "h1", TimeSpan.FromMilliseconds(5)), spec.Faults[1]);
        Assert.Equal(new FaultSpec(TimeSpan.Zero, ScheduledFaultKind.RefuseDeviceState, "h1/vm1/blk0"), spec.Faults[2]);
    }

    [Fact]
    public void A_world_without_migrations_keeps_its_persistence_off()
    {
        var spec = ScenarioLoader.Parse(World);
        Assert.False(spec.Persistent);
        Assert.Empty(spec.Migrations);
        Assert.Empty(spec.DeviceSwitches);
    }

    [Fact]
    public void The_built_in_vdpa_profile_cannot_log_its_own_writes()
    {
        var vdpa = VendorProfileLoader.LoadReference().Single(p => p.Name == "nimble-vdpa");
        Assert.Equal(BackendKind.Vdpa, vdpa.Backend);
        Assert.False(vdpa.LogsDirtyPages);
        Assert.True(vdpa.IsHardware);
        Assert.Equal(TimeSpan.FromMicroseconds(2), vdpa.Timing.ShadowVirtqueueCost);
        Assert.True(VendorProfileLoader.LoadReference().Single(p => p.Name == "acme-vf").LogsDirtyPages);
    }

    [Theory]
    [InlineData("migrations = [ { vm = \"h1/nope\", to = h2 } ]", 1, 23, "no VM 'h1/nope' (host/vm)")]
    [InlineData("migrations = [ { vm = \"h9/vm1\", to = h2 } ]", 1, 23, "no VM 'h9/vm1'")]
    [InlineData("migrations = [ { vm = vm1, to = h2 } ]", 1, 23, "no VM 'vm1'")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h7 } ]", 1, 38, "no host 'h7' to migrate to")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h1 } ]", 1, 38, "VM h1/vm1 cannot migrate to its own host h1")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, mode = live } ]", 1, 49, "unknown migration mode 'live' (pre-copy, post-copy, hybrid)")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, bandwidth = 0/s } ]", 1, 54, "bandwidth must be positive")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, bandwidth = 100MiB } ]", 1, 54, "size per second")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, downtime-limit = -1ms } ]", 1, 59, "downtime-limit must not be negative")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, max-rounds = 0 } ]", 1, 23, "max-rounds must be at least 1")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, cpu-throttle-initial = 100 } ]", 1, 23, "cpu-throttle-initial must be between 1 and 99")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, on-link-failure = pray } ]", 1, 60, "unknown on-link-failure 'pray'")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, devices { disk9 = acme-vf } } ]", 1, 60, "VM vm1 has no device 'disk9'")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2, devices { blk0 = nobody } } ]", 1, 59, "unknown vendor profile 'nobody' for device blk0")]
    [InlineData("migrations = [ { vm = \"h1/vm1\", to = h2 }, { vm = \"h1/vm1\", to = h3 } ]", 1, 51, "VM h1/vm1 migrates twice")]
    [InlineData("device-switches = [ { device = \"h1/vm1/x\", vendor = acme-vf } ]", 1, 32, "no device 'h1/vm1/x'")]
    [InlineData("device-switches = [ { device = \"h1/vm1/blk0\", vendor = acme-vf, at = 1ms } ]", 1, 56, "already is a acme-vf device")]
    [InlineData("device-switches = [ { device = \"h1/vm1/blk0\", vendor = swift-vhost, at = 2ms }, { device = \"h1/vm1/blk0\", vendor = swift-vhost, at = 1ms } ]", 1, 56, "already is a swift-vhost device")]
    [InlineData("faults = [ { at = 1ms, kind = host-crash, host = h8 } ]", 1, 50, "no host 'h8'")]
    [InlineData("faults = [ { at = 1ms, kind = host-crash, host = h2, duration = 1ms } ]", 1, 65, "only a link-failure has a duration")]
    [InlineData("faults = [ { at = 1ms, kind = host-melt, host = h2 } ]", 1, 31, "unknown fault kind 'host-melt'")]
    public void Migration_errors_point_at_the_value(string text, int line, int column, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + "\n" + text, "m.conf"));
        Assert.Contains(expected, ex.Message);
        Assert.Equal(("m.conf", line + 11, column), (ex.Position!.Value.Source, ex.Position.Value.Line, ex.Position.Value.Column));
    }

    [Theory]
    [InlineData("dirty-rate = -1", "dirty-rate must not be negative")]
    [InlineData("dirty-rate = 5MiB", "size per second")]
    [InlineData("working-set = 256MiB", "working-set 268435456 must be between one page (4096) and the VM's memory (134217728)")]
    [InlineData("working-set = 100", "working-set 100 must be between")]
    public void Guest_write_errors_point_at_the_value(string setting, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse($"hosts = [ {{ name = h, vms = [ {{ name = v, memory = 128MiB, {setting} }} ] }} ]"));
        Assert.Contains(expected, ex.Message);
        Assert.Equal(1, ex.Position!.Value.Line);
    }

    [Theory]
    [InlineData("hosts = [ { name = h, bandwidth = 0/s } ]", "bandwidth must be positive")]
    [InlineData("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk, vendor = acme-vf, migration-pool = [acme-vf, zeta] } ] } ] } ]",
        "unknown vendor profile 'zeta' in migration-pool")]
    public void Host_and_pool_errors_carry_a_position(string text, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.NotNull(ex.Position);
    }
}
