using Akka.Configuration;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Node;

namespace Virtsim.Hosting.Tests.Cluster;

public sealed class ClusterAkkaConfigTests
{
    private static ClusterSettings Settings(string text) =>
        NodeSettingsLoader.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "node.conf", Environment = _ => null }), "node.conf").Cluster;

    [Fact]
    public void A_member_gets_the_cluster_provider_seeds_roles_and_keep_majority()
    {
        var config = ClusterAkkaConfig.ToConfig(Settings("""
            virtsim.persistence.plugin = postgresql
            virtsim.cluster { port = 4054, seed-nodes = ["127.0.0.1:4053", "127.0.0.1:4054"], roles = [devices] }
            """));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(["akka.tcp://virtsim@127.0.0.1:4053", "akka.tcp://virtsim@127.0.0.1:4054"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["devices"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(4054, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.down-removal-margin")); // off: as stable-after
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.True(config.GetBoolean("akka.cluster.sharding.remember-entities"));
        Assert.Equal("eventsourced", config.GetString("akka.cluster.sharding.remember-entities-store"));
        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
    }

    [Fact]
    public void A_node_alone_is_its_own_seed_and_tls_changes_the_scheme()
    {
        var alone = ClusterAkkaConfig.ToConfig(Settings("virtsim.cluster.port = 4999"));
        Assert.Equal(["akka.tcp://virtsim@127.0.0.1:4999"], alone.GetStringList("akka.cluster.seed-nodes"));
        var tls = ClusterAkkaConfig.ToConfig(Settings("virtsim.cluster { port = 4999, tls { enabled = on, certificate = a.pfx, ca = ca.crt } }"));
        Assert.Equal(["akka.ssl.tcp://virtsim@127.0.0.1:4999"], tls.GetStringList("akka.cluster.seed-nodes"));
        Assert.True(tls.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.True(tls.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
        Assert.False(tls.GetBoolean("akka.remote.dot-netty.tcp.ssl.suppress-validation"));
    }

    [Fact]
    public void Partition_control_puts_the_throttler_under_members_and_clients_and_is_off_by_default()
    {
        var plain = Settings("virtsim.cluster.port = 4999");
        Assert.False(plain.PartitionControl);
        Assert.False(ClusterAkkaConfig.ToConfig(plain).HasPath("akka.remote.dot-netty.tcp.applied-adapters"));
        var on = Settings("virtsim.cluster { port = 4999, test.partition-control = on }");
        Assert.True(on.PartitionControl);
        Assert.Equal(["akka.trttl.tcp://virtsim@127.0.0.1:4999"], ClusterAkkaConfig.ToConfig(on).GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["trttl"], ClusterAkkaConfig.ToConfig(on).GetStringList("akka.remote.dot-netty.tcp.applied-adapters"));
        // A client must speak the same scheme, or it could not reach the nodes.
        Assert.Equal(["trttl"], ClusterAkkaConfig.ClientConfig(on).GetStringList("akka.remote.dot-netty.tcp.applied-adapters"));
        var tls = Settings("virtsim.cluster { port = 4999, test.partition-control = on, tls { enabled = on, certificate = a.pfx, ca = ca.crt } }");
        Assert.Equal("akka.trttl.ssl.tcp://virtsim@127.0.0.1:4999", tls.AddressOf(tls.Self));
    }

    [Fact]
    public void Down_all_when_unstable_off_is_written_off()
    {
        var config = ClusterAkkaConfig.ToConfig(Settings("virtsim.cluster.split-brain-resolver.down-all-when-unstable = off"));
        Assert.Equal("off", config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable"));
    }

    [Fact]
    public void A_down_removal_margin_is_written_as_given()
    {
        var config = ClusterAkkaConfig.ToConfig(Settings("virtsim.cluster.split-brain-resolver.down-removal-margin = 300ms"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), config.GetTimeSpan("akka.cluster.down-removal-margin"));
    }

    [Fact]
    public void A_client_is_remote_only_on_any_port()
    {
        var config = ClusterAkkaConfig.ClientConfig(Settings("virtsim.cluster.port = 4999"));
        Assert.Equal("remote", config.GetString("akka.actor.provider"));
        Assert.Equal(0, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.False(config.HasPath("akka.cluster.seed-nodes"));
    }
}
