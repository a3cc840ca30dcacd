using FsCheck;
using FsCheck.Fluent;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Node;

namespace Virtsim.Hosting.Tests.Cluster;

public sealed class ClusterSettingsLoaderTests
{
    private static NodeSettings Load(string text) =>
        NodeSettingsLoader.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "node.conf", Environment = _ => null }), "node.conf");

    private static HoconException Error(string text) => Assert.Throws<HoconException>(() => Load(text));

    [Fact]
    public void Reference_conf_gives_the_documented_defaults()
    {
        var c = Load("").Cluster;
        Assert.Equal(("virtsim", "127.0.0.1", 4053, "127.0.0.1"), (c.Name, c.Hostname, c.Port, c.PublicHostname));
        Assert.Empty(c.SeedNodes);
        Assert.Equal([new SeedNode("127.0.0.1", 4053)], c.EffectiveSeeds);
        Assert.False(c.HasOtherMembers);
        Assert.Empty(c.Roles);
        Assert.Null(c.Tls);
        Assert.Equal(TimeSpan.FromSeconds(30), c.JoinTimeout);
        Assert.Equal(new FailureDetectorSettings
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            Threshold = 8.0,
            AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(1500),
            ExpectedResponseAfter = TimeSpan.FromSeconds(1),
        }, c.FailureDetector);
        Assert.Equal(new DowningSettings { StableAfter = TimeSpan.FromSeconds(2), DownAllWhenUnstable = TimeSpan.FromSeconds(1.5) }, c.Downing);
        Assert.True(c.Sharding.RememberEntities);
        Assert.Equal(100, c.Sharding.Shards);
        Assert.Null(c.Sharding.ProbeRole);
    }

    [Fact]
    public void Every_key_overrides_the_reference()
    {
        var c = Load("""
            virtsim.persistence.plugin = postgresql
            virtsim.cluster {
              name = fleet, hostname = "10.0.0.2", port = 5000, public-hostname = "node2.example"
              seed-nodes = ["10.0.0.1:5000", "akka.tcp://fleet@10.0.0.3:5001"], roles = [devices, backends], join-timeout = 5s
              tls { enabled = on, certificate = "certs/n.pfx", password = pw, ca = "certs/ca.crt" }
              failure-detector { heartbeat-interval = 200ms, threshold = 10, acceptable-heartbeat-pause = 3s, expected-response-after = 2s }
              split-brain-resolver { stable-after = 7s, down-all-when-unstable = off, down-removal-margin = 700ms }
              sharding { remember-entities = off, shards = 30, handoff-timeout = 4s, rebalance-interval = 20s, retry-interval = 1s, probe-role = backends }
            }
            """).Cluster;
        Assert.Equal(("fleet", "10.0.0.2", 5000, "node2.example"), (c.Name, c.Hostname, c.Port, c.PublicHostname));
        Assert.Equal([new SeedNode("10.0.0.1", 5000), new SeedNode("10.0.0.3", 5001)], c.SeedNodes);
        Assert.True(c.HasOtherMembers);
        Assert.Equal(["devices", "backends"], c.Roles);
        Assert.Equal(new TlsSettings { CertificatePath = "certs/n.pfx", Password = "pw", CaPath = "certs/ca.crt" }, c.Tls);
        Assert.Equal("akka.ssl.tcp://fleet@10.0.0.1:5000", c.AddressOf(c.SeedNodes[0]));
        Assert.Equal((200, 10.0, 3000, 2000), ((int)c.FailureDetector.HeartbeatInterval.TotalMilliseconds, c.FailureDetector.Threshold,
            (int)c.FailureDetector.AcceptableHeartbeatPause.TotalMilliseconds, (int)c.FailureDetector.ExpectedResponseAfter.TotalMilliseconds));
        Assert.Equal(new DowningSettings { StableAfter = TimeSpan.FromSeconds(7), DownAllWhenUnstable = null, DownRemovalMargin = TimeSpan.FromMilliseconds(700) }, c.Downing);
        Assert.Equal(TimeSpan.FromMilliseconds(700), c.Downing.EffectiveDownRemovalMargin);
        Assert.Equal(new ShardingSettings
        {
            RememberEntities = false, Shards = 30, HandoffTimeout = TimeSpan.FromSeconds(4), RebalanceInterval = TimeSpan.FromSeconds(20),
            RetryInterval = TimeSpan.FromSeconds(1), ProbeRole = "backends",
        }, c.Sharding);
    }

    [Theory]
    [InlineData("virtsim.cluster.roles = [hosts, gpus]", "node.conf:1:33", "unknown role 'gpus'")]
    [InlineData("virtsim.cluster.seed-nodes = [\"127.0.0.1\"]", "node.conf:1:31", "is not host:port")]
    [InlineData("virtsim.cluster.seed-nodes = [\"127.0.0.1:0\"]", "node.conf:1:31", "port must be a number from 1 to 65535")]
    [InlineData("virtsim.cluster.seed-nodes = [\"a b:4053\"]", "node.conf:1:31", "is not a host name")]
    [InlineData("virtsim.cluster.seed-nodes = [\"h:1\", \"h:1\"]", "node.conf:1:38", "listed twice")]
    [InlineData("virtsim.cluster.port = 70000", "node.conf:1:24", "port 70000 is outside 0..65535")]
    [InlineData("virtsim.cluster.name = \"a b\"", "node.conf:1:24", "cluster name 'a b'")]
    [InlineData("virtsim.cluster.join-timeout = 0s", "node.conf:1:32", "join-timeout 0ms is outside")]
    [InlineData("virtsim.cluster.failure-detector.acceptable-heartbeat-pause = 120s", "node.conf:1:63", "120s is outside 0ms..60s")]
    [InlineData("virtsim.cluster.split-brain-resolver.stable-after = 500ms", "node.conf:1:53", "stable-after 500ms is outside")]
    [InlineData("virtsim.cluster.split-brain-resolver.down-removal-margin = 10ms", "node.conf:1:60", "down-removal-margin 10ms is outside 100ms..600s")]
    [InlineData("virtsim.cluster.tls.enabled = on", "node.conf:1:31", "tls.certificate")]
    [InlineData("virtsim.cluster.sharding.probe-role = gpus", "node.conf:1:39", "unknown role 'gpus'")]
    public void A_bad_value_is_an_error_at_its_position(string text, string position, string message)
    {
        var e = Error(text);
        Assert.Contains(position, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Sqlite_is_refused_for_a_node_that_names_other_members()
    {
        var e = Error("""
            virtsim.persistence.plugin = sqlite
            virtsim.cluster.seed-nodes = ["127.0.0.1:4053", "127.0.0.1:4054"]
            """);
        Assert.Contains("node.conf:1:30", e.Message);
        Assert.Contains("use plugin = postgresql", e.Message);
        // Alone (its own address as the only seed) it may keep SQLite.
        Assert.Equal(Virtsim.Hosting.Persistence.PersistencePlugin.Sqlite, Load("virtsim.cluster.seed-nodes = [\"127.0.0.1:4053\"]").Persistence.Plugin);
    }

    [Fact]
    public void Seed_addresses_read_back_from_their_text_and_arbitrary_text_never_throws()
    {
        var hosts = Gen.Elements("127.0.0.1", "localhost", "node-2.example", "::1", "10.1.2.3");
        Prop.ForAll(Arb.From(hosts), Arb.From(Gen.Choose(1, 65535)), (host, port) =>
        {
            var seed = new SeedNode(host, port);
            return SeedNode.TryParse(seed.ToString(), out _) == seed && SeedNode.TryParse($"akka.tcp://virtsim@{seed}", out _) == seed;
        }).QuickCheckThrowOnFailure();
        Prop.ForAll<string>(text =>
        {
            var parsed = SeedNode.TryParse(text ?? "", out string reason);
            return parsed is null ? reason.Length > 0 : parsed.Port is >= 1 and <= 65535 && parsed.Host.Length > 0;
        }).QuickCheckThrowOnFailure();
    }
}
