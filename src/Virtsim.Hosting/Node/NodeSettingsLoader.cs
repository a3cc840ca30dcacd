using System.Globalization;
using System.Reflection;
using Virtsim.Hocon;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Persistence;
using static Virtsim.Hocon.HoconSettings;

namespace Virtsim.Hosting.Node;

/// <summary>
/// Reads a cluster file (cluster-config/*.conf) into <see cref="NodeSettings"/>. Layers, lowest first: the modules'
/// reference.conf, the cluster file, the scenario's own <c>virtsim { ... }</c> section. Every problem is a
/// <see cref="HoconException"/> with file, line and column.
/// </summary>
public static class NodeSettingsLoader
{
    /// <summary>The name the built-in single-node configuration is reported under.</summary>
    public const string BuiltInName = "single-node.conf (built in)";

    private const string BuiltInResource = "Virtsim.Hosting.single-node.conf";

    private static readonly Lazy<KeySchema> SectionKeys = new(() =>
        KeySchema.FromReference(HostingReference.Config.GetConfig("virtsim").Root));

    /// <summary>
    /// The keys of a <c>virtsim { ... }</c> section that this loader reads (<c>node</c>, <c>actors</c>,
    /// <c>persistence</c>, as Virtsim.Hosting's reference.conf holds them): what a scenario's own section
    /// may set (see <see cref="Virtsim.Fleet.World.ScenarioKeys"/>).
    /// </summary>
    public static KeySchema SectionSchema => SectionKeys.Value;

    /// <summary>The text of the built-in default cluster file (a copy of cluster-config/single-node.conf).</summary>
    public static string BuiltInText() => HoconConfig.ReadEmbedded(typeof(NodeSettingsLoader).Assembly, BuiltInResource);

    /// <summary>Reads the cluster file at <paramref name="path"/>, or the built-in single-node one when null.</summary>
    /// <param name="path">The cluster file, or null.</param>
    /// <param name="scenario">An optional scenario whose <c>virtsim</c> section overrides the cluster file.</param>
    /// <param name="environment">Lookup for <c>${?VAR}</c> substitutions (default: the process environment).</param>
    /// <exception cref="HoconException">The file is missing, malformed or holds an invalid setting.</exception>
    public static NodeSettings Load(string? path, HoconConfig? scenario = null, Func<string, string?>? environment = null)
    {
        var options = new HoconParseOptions
        {
            Environment = environment ?? Environment.GetEnvironmentVariable,
            SourceName = path is null ? BuiltInName : null,
        };
        HoconConfig cluster;
        if (path is null) cluster = HoconConfig.Parse(BuiltInText(), options);
        else if (!File.Exists(path)) throw new HoconException(null, $"cluster file '{path}' not found");
        else cluster = HoconConfig.ParseFile(path, options);
        return FromConfig(cluster, path ?? BuiltInName, scenario);
    }

    /// <summary>Reads already parsed cluster settings (references are added below them).</summary>
    /// <exception cref="HoconException">A setting is invalid.</exception>
    public static NodeSettings FromConfig(HoconConfig cluster, string source, HoconConfig? scenario = null)
    {
        // Only the virtsim.* paths are read, so the scenario's other keys (hosts, vendors...) do not interfere.
        var layered = scenario is not null && scenario.HasPath("virtsim") ? scenario.WithFallback(cluster) : cluster;
        var all = layered.WithFallback(HostingReference.Config);
        var node = At(all, c => c.GetConfig("virtsim.node"));
        var actors = At(all, c => c.GetConfig("virtsim.actors"));
        var dispatcher = At(actors, c => c.GetConfig("dispatcher"));
        string name = At(node, c => c.GetString("name"));
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            throw new HoconException(node.GetValue("name").Position, $"node name '{name}' must be letters, digits, '-', '_' or '.'");
        var typeText = At(dispatcher, c => c.GetString("type"));
        var kind = typeText switch
        {
            "simulation" => DispatcherKind.Simulation,
            "threaded" => DispatcherKind.Threaded,
            _ => throw new HoconException(dispatcher.GetValue("type").Position, $"unknown dispatcher type '{typeText}' (simulation or threaded)"),
        };
        var threaded = At(dispatcher, c => c.GetConfig("threaded"));
        int throughput = AtLeast(threaded, "throughput", At(threaded, c => c.GetInt("throughput")), 1);
        var simulation = At(dispatcher, c => c.GetConfig("simulation"));
        string epochText = At(simulation, c => c.GetString("epoch"));
        if (!DateTimeOffset.TryParse(epochText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var epoch))
            throw new HoconException(simulation.GetValue("epoch").Position, $"epoch '{epochText}' is not an ISO 8601 date and time");
        var actorPersistence = At(all, c => c.GetConfig("virtsim.persistence.actors"));
        var latency = At(actorPersistence, c => c.GetDuration("simulated-store-latency"));
        if (latency < TimeSpan.Zero)
            throw new HoconException(actorPersistence.GetValue("simulated-store-latency").Position, "simulated-store-latency must not be negative");
        var persistence = PersistenceSettingsLoader.FromConfig(layered);
        var member = ClusterSettingsLoader.FromConfig(layered);
        // One SQLite file cannot be shared by the processes of several machines: its locks are local.
        if (member.HasOtherMembers && persistence.Plugin == PersistencePlugin.Sqlite)
            throw new HoconException(all.GetValue("virtsim.persistence.plugin").Position,
                "a node whose seed-nodes name other members shares its store with them: use plugin = postgresql (sqlite is for a single node)");
        return new NodeSettings
        {
            Source = source,
            Name = name,
            Dispatcher = new DispatcherSettings
            {
                Kind = kind,
                Throughput = throughput,
                Epoch = epoch,
            },
            // Not negative: System.Random seeds with the absolute value, so -N would give the randomness of N.
            Seed = actors.HasPath("seed") ? AtLeast(actors, "seed", At(actors, c => c.GetInt("seed")), 0) : null,
            Persistence = persistence,
            Cluster = member,
            SnapshotEvery = AtLeast(actorPersistence, "snapshot-every", At(actorPersistence, c => c.GetInt("snapshot-every")), 0),
            DeleteAfterSnapshot = At(actorPersistence, c => c.GetBool("delete-after-snapshot")),
            SimulatedStoreLatency = latency,
        };
    }

}
