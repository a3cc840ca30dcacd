using Virtsim.Cli.Configuration;
using Virtsim.Hocon;
using Virtsim.VhostUser.Backend;

namespace Virtsim.Fleet.Tests.Configuration;

/// <summary>Virtsim.VhostUser's reference.conf states the defaults <c>virtsim vhost-user serve</c> applies.</summary>
public class ServeDefaultsTests
{
    [Fact]
    public void Reference_conf_parses_and_equals_the_options_record_defaults()
    {
        Assert.Equal(new VhostUserServeOptions { SocketPath = "" }, ServeDefaults.Options);
    }

    [Fact]
    public void Settings_override_the_reference()
    {
        var o = ServeDefaults.FromConfig(HoconConfig.Parse("virtsim.vhost-user.serve { device = blk, queues = 4, image-size = 1MiB, image = disk.img }"), "s.sock");
        Assert.Equal((VhostUserDeviceKind.Blk, 4, 1L << 20, "disk.img", "s.sock"), (o.Device, o.Queues, o.ImageSize, o.ImagePath, o.SocketPath));
    }

    [Theory]
    [InlineData("virtsim.vhost-user.serve.device = scsi", "unknown device 'scsi'")]
    [InlineData("virtsim.vhost-user.serve.queues = 0", "queues must be at least 1")]
    [InlineData("virtsim.vhost-user.serve.image-size = 1000", "multiple of 512")]
    [InlineData("virtsim.vhost-user.serve.inject-frame-size = 20", "inject-frame-size must be at least 60")]
    public void Bad_settings_are_positioned(string text, string expected)
    {
        var e = Assert.Throws<HoconException>(() => ServeDefaults.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "serve.conf" }), "s"));
        Assert.Contains(expected, e.Message);
        Assert.Equal("serve.conf", e.Position!.Value.Source);
    }
}
