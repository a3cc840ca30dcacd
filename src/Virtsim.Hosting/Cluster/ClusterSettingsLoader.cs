using Virtsim.Hocon;
using static Virtsim.Hocon.HoconSettings;

namespace Virtsim.Hosting.Cluster;

/// <summary>
/// Reads <c>virtsim.cluster</c> into <see cref="ClusterSettings"/>, over this assembly's reference.conf. Every
/// problem (a seed that is not host:port, an unknown role, a duration out of range) is a
/// <see cref="HoconException"/> at the value's file:line:col.
/// </summary>
public static class ClusterSettingsLoader
{
    /// <summary>The settings of <paramref name="config"/> (a whole node configuration; only <c>virtsim.cluster</c> is read).</summary>
    /// <exception cref="HoconException">A setting is missing, of the wrong type or out of range.</exception>
    public static ClusterSettings FromConfig(HoconConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = At(config.WithFallback(HostingReference.Config), all => all.GetConfig("virtsim.cluster"));
        string name = At(c, x => x.GetString("name"));
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            throw new HoconException(c.GetValue("name").Position, $"cluster name '{name}' must be letters, digits, '-' or '_'");
        string hostname = At(c, x => x.GetString("hostname"));
        if (hostname.Length == 0 || hostname.Any(char.IsWhiteSpace))
            throw new HoconException(c.GetValue("hostname").Position, $"hostname '{hostname}' is not a host name or address");
        int port = Range(c, "port", At(c, x => x.GetInt("port")), 0, 65535);
        string publicHost = At(c, x => x.GetString("public-hostname"));
        var seeds = new List<SeedNode>();
        var seedValues = At(c, x => x.GetList("seed-nodes"));
        var seedTexts = At(c, x => x.GetStringList("seed-nodes"));
        for (int i = 0; i < seedTexts.Count; i++)
        {
            var seed = SeedNode.TryParse(seedTexts[i], out string reason)
                       ?? throw new HoconException(seedValues[i].Position, $"seed-nodes[{i}]: {reason}");
            if (seeds.Contains(seed)) throw new HoconException(seedValues[i].Position, $"seed-nodes[{i}]: {seed} is listed twice");
            seeds.Add(seed);
        }
        var roleValues = At(c, x => x.GetList("roles"));
        var roles = At(c, x => x.GetStringList("roles"));
        for (int i = 0; i < roles.Count; i++)
        {
            if (!NodeRoles.Known.Contains(roles[i]))
                throw new HoconException(roleValues[i].Position, $"unknown role '{roles[i]}' (known roles: {string.Join(", ", NodeRoles.Known)})");
        }
        var settings = new ClusterSettings
        {
            Name = name,
            Hostname = hostname,
            Port = port,
            PublicHostname = publicHost.Length > 0 ? publicHost : hostname,
            SeedNodes = seeds,
            Roles = roles.Distinct().ToList(),
            JoinTimeout = Duration(c, "join-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            Tls = Tls(At(c, x => x.GetConfig("tls"))),
            FailureDetector = FailureDetector(At(c, x => x.GetConfig("failure-detector"))),
            Downing = Downing(At(c, x => x.GetConfig("split-brain-resolver"))),
            Sharding = Sharding(At(c, x => x.GetConfig("sharding"))),
            PartitionControl = At(c, x => x.GetBool("test.partition-control")),
        };
        if (port == 0 && seeds.Contains(settings.Self with { Port = 0 }))
            throw new HoconException(c.GetValue("port").Position, "port 0 (any free port) cannot be a seed node's: give the port the seeds name");
        return settings;
    }

    private static TlsSettings? Tls(HoconConfig t)
    {
        if (!At(t, x => x.GetBool("enabled"))) return null;
        string certificate = At(t, x => x.GetString("certificate"));
        string ca = At(t, x => x.GetString("ca"));
        if (certificate.Length == 0) throw new HoconException(OwnPosition(t), "tls.enabled is on but tls.certificate (the node's PFX) is empty");
        if (ca.Length == 0) throw new HoconException(OwnPosition(t), "tls.enabled is on but tls.ca (the certificate authority) is empty");
        return new TlsSettings { CertificatePath = certificate, Password = At(t, x => x.GetString("password")), CaPath = ca };
    }

    private static FailureDetectorSettings FailureDetector(HoconConfig f) => new()
    {
        HeartbeatInterval = Duration(f, "heartbeat-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)),
        Threshold = Range(f, "threshold", At(f, x => x.GetDouble("threshold")), 1.0, 100.0),
        AcceptableHeartbeatPause = Duration(f, "acceptable-heartbeat-pause", TimeSpan.Zero, TimeSpan.FromSeconds(60)),
        ExpectedResponseAfter = Duration(f, "expected-response-after", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)),
    };

    private static DowningSettings Downing(HoconConfig d)
    {
        var stable = Duration(d, "stable-after", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var value = At(d, x => x.GetValue("down-all-when-unstable"));
        TimeSpan? downAll = value switch
        {
            HoconBoolean b => b.Value ? stable * 3 / 4 : null,
            HoconString { Value: "on" } => stable * 3 / 4,
            HoconString { Value: "off" } => null,
            _ => Duration(d, "down-all-when-unstable", stable, TimeSpan.FromHours(1)),
        };
        var marginValue = At(d, x => x.GetValue("down-removal-margin"));
        TimeSpan? margin = marginValue is HoconString { Value: "off" } or HoconBoolean { Value: false }
            ? null
            : Duration(d, "down-removal-margin", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        return new DowningSettings { StableAfter = stable, DownAllWhenUnstable = downAll, DownRemovalMargin = margin };
    }

    private static ShardingSettings Sharding(HoconConfig s)
    {
        string probeRole = At(s, x => x.GetString("probe-role"));
        if (probeRole.Length > 0 && !NodeRoles.Known.Contains(probeRole))
            throw new HoconException(s.GetValue("probe-role").Position, $"unknown role '{probeRole}' (known roles: {string.Join(", ", NodeRoles.Known)})");
        return new ShardingSettings
        {
            RememberEntities = At(s, x => x.GetBool("remember-entities")),
            Shards = Range(s, "shards", At(s, x => x.GetInt("shards")), 1, 10_000),
            HandoffTimeout = Duration(s, "handoff-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            RebalanceInterval = Duration(s, "rebalance-interval", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            RetryInterval = Duration(s, "retry-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)),
            ProbeRole = probeRole.Length > 0 ? probeRole : null,
        };
    }

    private static TimeSpan Duration(HoconConfig c, string path, TimeSpan min, TimeSpan max)
    {
        var value = At(c, x => x.GetDuration(path));
        return value >= min && value <= max
            ? value
            : throw new HoconException(c.GetValue(path).Position, $"{path} {Text(value)} is outside {Text(min)}..{Text(max)}");
    }

    private static string Text(TimeSpan t) => t.TotalSeconds >= 1
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.###}ms");
}
