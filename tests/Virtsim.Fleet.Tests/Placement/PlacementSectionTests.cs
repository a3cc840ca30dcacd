using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>The scenario's <c>placement</c> object: roles per device and backend, defaults, and mistakes at their position.</summary>
public class PlacementSectionTests
{
    private const string World = """
        hosts = [ { name = h1, vms = [ { name = vm1, memory = 128MiB, devices = [
          { name = blk0, type = blk, vendor = acme-vf }
          { name = net0, type = net, vendor = acme-vf } ] } ] } ]
        """;

    [Fact]
    public void Without_placement_every_actor_stays_with_its_host()
    {
        var spec = ScenarioLoader.Parse(World);
        Assert.Equal("hosts", spec.Placement.DeviceRole("h1/vm1/blk0"));
        Assert.Null(spec.Placement.BackendRole("h1/vm1/blk0"));
        Assert.False(spec.Placement.PlacesAnything([("h1/vm1/blk0", true), ("h1/vm1/net0", false)]));
    }

    [Fact]
    public void Devices_and_backends_take_their_own_role_or_the_default()
    {
        var spec = ScenarioLoader.Parse(World + "\n" + """
            placement {
              default-device-role = devices
              "h1/vm1/net0" = hosts
              "h1/vm1/blk0/backend" = backends
            }
            """);
        Assert.Equal("devices", spec.Placement.DeviceRole("h1/vm1/blk0"));
        Assert.Equal("hosts", spec.Placement.DeviceRole("h1/vm1/net0"));
        Assert.Equal("backends", spec.Placement.BackendRole("h1/vm1/blk0"));
        Assert.True(spec.Placement.PlacesAnything([("h1/vm1/blk0", true)]));
        Assert.False(spec.Placement.PlacesAnything([("h1/vm1/net0", false)]));
    }

    [Theory]
    [InlineData("placement { default-device-role = gpus }", "4:35", "unknown role 'gpus'")]
    [InlineData("placement { \"h1/vm9/blk0\" = devices }", "4:29", "'h1/vm9/blk0' names no device")]
    [InlineData("placement { \"h1/vm1/net0/backend\" = backends }", "4:37", "only a blk device's backend can be placed")]
    [InlineData("placement = devices", "4:13", "placement must be an object")]
    public void Mistakes_are_reported_where_they_were_written(string placement, string position, string message)
    {
        var e = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + "\n" + placement, "s.conf"));
        Assert.Contains($"s.conf:{position}", e.Message);
        Assert.Contains(message, e.Message);
    }
}
