using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.World;

public class ScenarioLoaderTests
{
    [Fact]
    public void Reads_hosts_vms_devices_defaults_and_profiles()
    {
        var spec = ScenarioLoader.Parse("""
            scenario { name = t, seed = 9, switch-latency = 2us }
            defaults { blk { requests = 50 }, net { frame-size = 100 } }
            hosts = [ { name = h1, vms = [ { name = v1, memory = 128MiB, devices = [
              { name = b, type = blk, vendor = acme-vf, transport = mmio, packed = true, driver = poll }
              { name = n, type = net, vendor = swift-vhost, requests = 7 }
            ] } ] } ]
            """);
        Assert.Equal(("t", 9), (spec.Name, spec.DefaultSeed));
        Assert.Equal(TimeSpan.FromMicroseconds(2), spec.SwitchLatency);
        var devices = spec.AllDevices().Select(x => x.Device).ToList();
        Assert.Equal(DeviceKind.Blk, devices[0].Kind);
        Assert.Equal((TransportKind.Mmio, true, DriverMode.Poll, 50), (devices[0].Transport, devices[0].PackedRing, devices[0].DriverMode, devices[0].Requests));
        Assert.Equal("acme-vf", devices[0].Profile.Name);
        Assert.Equal((7, 100, "swift-vhost"), (devices[1].Requests, devices[1].FrameSize, devices[1].Profile.Name));
    }

    [Theory]
    [InlineData("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = disk, vendor = acme-vf } ] } ] } ]", "unknown device type 'disk'")]
    [InlineData("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk, vendor = acme-vf, transport = usb } ] } ] } ]", "unknown transport 'usb'")]
    [InlineData("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk, vendor = acme-vf, block-size = 1000 } ] } ] } ]", "block-size 1000")]
    [InlineData("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk, vendor = acme-vf, queue-size = 100000 } ] } ] } ]", "queue-size 100000")]
    [InlineData("hosts = [ { name = h, vms = [] }, { name = h, vms = [] } ]", "used twice")]
    [InlineData("hosts = [ { name = \"a b\", vms = [] } ]", "must be letters")]
    public void Meaning_errors_carry_a_position(string text, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.NotNull(ex.Position);
    }

    private static string OneDevice(string device, string vendors = "") =>
        vendors + "\nhosts = [ { name = h, vms = [ { name = v, devices = [\n  { name = d, type = blk, vendor = swift-vhost, requests = 20, " + device + " }\n] } ] } ]\n";

    [Theory]
    [InlineData("queue-size = 100", "", "t.conf:3:77: queue-size 100 must be a power of two for a split ring (packed = false)")]
    [InlineData("queue-size = 100, packed = true, vendor = nopacked", "vendors.nopacked { backend = vhost-user, withheld-features = [RING_PACKED] }",
        "t.conf:3:77: queue-size 100 must be a power of two for a split ring (vendor profile 'nopacked' does not give the packed ring")]
    [InlineData("queue-size = 128, vendor = small", "vendors.small { backend = vhost-user, max-queue-size = 64 }",
        "t.conf:3:77: queue-size 128 exceeds the max-queue-size 64 of vendor profile 'small'")]
    public void A_queue_size_the_device_would_refuse_is_an_error_at_the_value(string device, string vendors, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(OneDevice(device, vendors), "t.conf"));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void A_queue_size_from_the_defaults_is_reported_where_the_defaults_set_it()
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse("defaults.blk.queue-size = 96\n" + OneDevice("packed = false"), "t.conf"));
        Assert.StartsWith("t.conf:1:27: queue-size 96 must be a power of two", ex.Message);
    }

    [Fact]
    public void A_packed_ring_takes_a_queue_size_that_is_not_a_power_of_two_and_the_run_passes()
    {
        var spec = ScenarioLoader.Parse("scenario.max-virtual-time = 1s\n" + OneDevice("queue-size = 100, packed = true"), "t.conf");
        Assert.Equal(100, spec.AllDevices().Single().Device.QueueSize);
        var report = FleetRunner.Run(spec, 1);
        Assert.True(report.PassedChecks, $"completed {report.Completed}, lost {report.Lost}");
        Assert.True(report.Requests >= 20);
    }

    [Fact]
    public void An_empty_scenario_is_reported_in_its_own_file_not_in_the_reference()
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse("", "empty.conf"));
        Assert.Equal("empty.conf:1:1: no configuration setting found for path 'hosts'", ex.Message);

        var path = Path.Combine(Path.GetTempPath(), $"virtsim-empty-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "");
        try
        {
            ex = Assert.Throws<HoconException>(() => ScenarioLoader.LoadFile(path));
            Assert.Equal(new HoconPosition(path, 1, 1), ex.Position);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
