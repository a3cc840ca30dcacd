using System.Globalization;
using System.Text;
using Akka.Configuration;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Cluster;

/// <summary>
/// Turns <see cref="ClusterSettings"/> into the Akka.NET configuration of a member: the cluster provider, Akka.Remote
/// over DotNetty TCP (TLS on when set; the certificates come as a setup, <see cref="ClusterTls"/>), seeds, roles, the
/// split-brain resolver with keep-majority, the failure detector and sharding with remember-entities. Pure: it reads
/// no file.
/// </summary>
public static class ClusterAkkaConfig
{
    /// <summary>The configuration as an Akka.NET <see cref="Config"/>, to put above the node's own.</summary>
    public static Config ToConfig(ClusterSettings settings) => ConfigurationFactory.ParseString(ToHocon(settings));

    /// <summary>
    /// The configuration of a client of the cluster (<c>virtsim cluster ...</c>): remote only, on any free port of the
    /// same host, with the same transport and TLS, but no membership.
    /// </summary>
    public static Config ClientConfig(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var s = new StringBuilder();
        s.Append("akka.actor.provider = remote\n");
        AppendRemote(s, settings, port: 0);
        AppendAdminSerializer(s);
        return ConfigurationFactory.ParseString(s.ToString());
    }

    /// <summary>The configuration as HOCON text.</summary>
    public static string ToHocon(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var s = new StringBuilder();
        s.Append("akka.actor.provider = cluster\n");
        AppendRemote(s, settings, settings.Port);
        AppendAdminSerializer(s);
        var fd = settings.FailureDetector;
        var sbr = settings.Downing;
        var sh = settings.Sharding;
        s.Append("akka.cluster {\n");
        s.Append("  seed-nodes = [").Append(string.Join(", ", settings.EffectiveSeeds.Select(n => AkkaPersistenceConfig.Quote(settings.AddressOf(n))))).Append("]\n");
        s.Append("  roles = [").Append(string.Join(", ", settings.Roles.Select(AkkaPersistenceConfig.Quote))).Append("]\n");
        s.Append("  log-info = off\n");
        // When a removed member's shards and singletons may start elsewhere (the SBR provider's DownRemovalMargin).
        s.Append("  down-removal-margin = ").Append(Duration(sbr.EffectiveDownRemovalMargin)).Append('\n');
        // A member the resolver downs leaves through coordinated shutdown, and the process then exits.
        s.Append("  run-coordinated-shutdown-when-down = on\n");
        s.Append("  downing-provider-class = \"Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster\"\n");
        s.Append("  split-brain-resolver {\n");
        s.Append("    active-strategy = keep-majority\n");
        s.Append("    stable-after = ").Append(Duration(sbr.StableAfter)).Append('\n');
        s.Append("    down-all-when-unstable = ").Append(sbr.DownAllWhenUnstable is { } d ? Duration(d) : "off").Append('\n');
        s.Append("  }\n");
        s.Append("  failure-detector {\n");
        s.Append("    heartbeat-interval = ").Append(Duration(fd.HeartbeatInterval)).Append('\n');
        s.Append("    threshold = ").Append(fd.Threshold.ToString("0.0##", CultureInfo.InvariantCulture)).Append('\n');
        s.Append("    acceptable-heartbeat-pause = ").Append(Duration(fd.AcceptableHeartbeatPause)).Append('\n');
        s.Append("    expected-response-after = ").Append(Duration(fd.ExpectedResponseAfter)).Append('\n');
        s.Append("  }\n");
        s.Append("  sharding {\n");
        s.Append("    remember-entities = ").Append(sh.RememberEntities ? "on" : "off").Append('\n');
        s.Append("    remember-entities-store = eventsourced\n");
        s.Append("    state-store-mode = ddata\n");
        s.Append("    handoff-timeout = ").Append(Duration(sh.HandoffTimeout)).Append('\n');
        s.Append("    rebalance-interval = ").Append(Duration(sh.RebalanceInterval)).Append('\n');
        s.Append("    retry-interval = ").Append(Duration(sh.RetryInterval)).Append('\n');
        s.Append("    shard-failure-backoff = ").Append(Duration(sh.RetryInterval)).Append('\n');
        s.Append("    entity-restart-backoff = ").Append(Duration(sh.RetryInterval)).Append('\n');
        s.Append("    coordinator-failure-backoff = ").Append(Duration(sh.RetryInterval)).Append('\n');
        s.Append("    distributed-data.durable.keys = []\n");
        s.Append("  }\n");
        s.Append("}\n");
        return s.ToString();
    }

    private static void AppendRemote(StringBuilder s, ClusterSettings settings, int port)
    {
        s.Append("akka.remote {\n");
        s.Append("  log-remote-lifecycle-events = off\n");
        s.Append("  dot-netty.tcp {\n");
        s.Append("    hostname = ").Append(AkkaPersistenceConfig.Quote(settings.Hostname)).Append('\n');
        s.Append("    public-hostname = ").Append(AkkaPersistenceConfig.Quote(settings.PublicHostname)).Append('\n');
        s.Append("    port = ").Append(port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        // Akka.Remote's throttler under the transport: lets NodeAdmin blackhole named members (partition tests).
        if (settings.PartitionControl) s.Append("    applied-adapters = [trttl]\n");
        s.Append("    enable-ssl = ").Append(settings.Tls is null ? "false" : "true").Append('\n');
        if (settings.Tls is not null)
        {
            // The certificate and the validation against the cluster's CA come as a DotNettySslSetup (ClusterTls).
            s.Append("    ssl { suppress-validation = false, require-mutual-authentication = true }\n");
        }
        s.Append("  }\n");
        s.Append("}\n");
    }

    private static void AppendAdminSerializer(StringBuilder s)
    {
        s.Append("akka.actor.serializers.virtsim-cluster-admin = \"Virtsim.Hosting.Cluster.Admin.AdminSerializer, Virtsim.Hosting\"\n");
        s.Append("akka.actor.serialization-bindings { \"Virtsim.Hosting.Cluster.Admin.IAdminMessage, Virtsim.Hosting\" = virtsim-cluster-admin }\n");
    }

    private static string Duration(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
