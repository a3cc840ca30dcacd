namespace Virtsim.Hocon.Tests;

public class SampleTests
{
    [Fact]
    public void Cluster_node_sample()
    {
        var c = HoconConfig.Parse(Samples.ClusterNode, Hocon.Options(new Dictionary<string, string> { ["VIRTSIM_DATA"] = "/var/lib/virtsim" }));
        Assert.Equal("host-17", c.GetString("virtsim.node.name"));
        Assert.Equal("10.0.3.17", c.GetString("virtsim.node.address.host"));
        Assert.Equal(2552, c.GetInt("virtsim.node.address.port"));
        Assert.Equal(["virtsim://fleet@10.0.3.1:2552", "virtsim://fleet@10.0.3.2:2552"], c.GetStringList("virtsim.node.seed-nodes"));
        Assert.Equal(64, c.GetInt("virtsim.dispatcher.throughput"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), c.GetDuration("virtsim.dispatcher.tick"));
        Assert.Equal("/var/lib/virtsim/journal.db", c.GetString("virtsim.persistence.journal.path"));
        Assert.Equal(512L * 1024 * 1024, c.GetBytes("virtsim.persistence.journal.max-size"));
        Assert.Equal(10000, c.GetInt("virtsim.mailbox.capacity"));
    }

    [Fact]
    public void Vendor_profiles_sample_with_include_and_inheritance()
    {
        using var dir = new TempDir();
        dir.Write("vendor-common.conf", Samples.VendorCommon);
        var path = dir.Write("vendors.conf", Samples.VendorProfiles);
        var c = HoconConfig.ParseFile(path, Hocon.Options(new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = "/run/user/1000" }));
        Assert.Equal("""{"dma-latency":"800ns","descriptors-in-parallel":4,"features":["VERSION_1","RING_PACKED","NOTIFICATION_DATA"],"kind":"hardware-vf","device-types":["net","blk"],"quirks":["no-event-idx"],"interrupt-coalescing":{"usecs":50,"frames":32}}""",
            c.GetConfig("vendors.acme-vf").ToJson());
        Assert.Equal(TimeSpan.FromTicks(20), c.GetDuration("vendors.soft-vhost.dma-latency"));
        Assert.Equal(["VERSION_1", "RING_PACKED", "EVENT_IDX"], c.GetStringList("vendors.soft-vhost.features"));
        Assert.Equal("/run/user/1000/virtsim/soft.sock", c.GetString("vendors.soft-vhost.socket"));
        Assert.Equal(["acme-vf", "soft-vhost"], c.GetStringList("profile-order"));
    }

    [Fact]
    public void Scenario_sample()
    {
        var c = Hocon.Parse(Samples.Scenario);
        var waves = c.GetConfigList("scenario.waves");
        Assert.Equal(3, waves.Count);
        Assert.Equal(TimeSpan.FromMinutes(10), waves[1].GetDuration("at"));
        Assert.Equal(TimeSpan.FromMinutes(25), waves[2].GetDuration("at"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), waves[2].GetDuration("max-downtime"));
        Assert.Equal(0.001, c.GetDouble("scenario.faults.doorbell.drop"));
        Assert.Equal("Migration of 2000 hosts", c.GetString("scenario.report.title"));
        Assert.True(c.GetBool("scenario.report.include-histograms"));
        Assert.Equal(["json", "html"], c.GetStringList("scenario.report.formats"));
    }
}
