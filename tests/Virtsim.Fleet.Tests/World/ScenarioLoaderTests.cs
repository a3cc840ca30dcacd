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
}
