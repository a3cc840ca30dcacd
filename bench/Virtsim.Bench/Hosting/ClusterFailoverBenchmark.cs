using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Virtsim.Hosting.Cluster;
using Virtsim.Hosting.Cluster.Admin;
using Virtsim.Hosting.Cluster.Local;
using Virtsim.Hosting.Cluster.Probe;
using Virtsim.Hosting.Node;

namespace Virtsim.Bench.Hosting;

/// <summary>
/// <c>cluster-failover [--kills N] [--seed S] [--entities E] [--settings HOCON] [--virtsim PATH]</c>: three
/// <c>virtsim node</c> processes on loopback sharing a throwaway PostgreSQL journal; E probe entities (persistent
/// counters, remember-entities) spread over them. N times: pick a node (seeded; every node in turn may be the shard
/// coordinator's), an entity it hosts, SIGKILL the node, and measure from the kill until a survivor sees the node
/// downed (Down, or already removed) and until the entity answers again from a survivor with its value intact;
/// then restart the node and wait until all three are Up. Prints each kill and the median, p95 and max.
/// </summary>
public static class ClusterFailoverBenchmark
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        int kills = 5, seed = 1, entities = 30;
        string settings = "";
        string? virtsim = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--kills": kills = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--entities": entities = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--settings": settings = args[i + 1]; break;
                case "--virtsim": virtsim = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        virtsim ??= DefaultVirtsim();
        if (!File.Exists(virtsim))
        {
            output.WriteLine($"virtsim.dll not found at {virtsim}: build src/Virtsim.Cli (Release) or give --virtsim PATH");
            return 2;
        }
        return RunAsync(VirtsimCommand.Dll(virtsim), kills, seed, entities, settings, output).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(VirtsimCommand virtsim, int kills, int seed, int entities, string settings, TextWriter output)
    {
        output.WriteLine($"cluster-failover: 3 nodes, {entities} probe entities, {kills} kills, seed {seed}" +
                         (settings.Length > 0 ? $", settings: {settings}" : ", reference.conf timings"));
        await using var cluster = await LocalCluster.StartAsync(virtsim, 3, null, output, extraSettings: settings);
        var members = cluster.Files.Select(f => NodeSettingsLoader.Load(f).Cluster).ToList();
        var addresses = members.Select(m => m.AddressOf(m.Self)).ToList();
        await using var client = AdminClient.Start(members[0]);
        await WaitAllUpAsync(client, members, addresses);

        var values = new Dictionary<string, long>();
        for (int e = 0; e < entities; e++)
        {
            string id = "p" + e.ToString(CultureInfo.InvariantCulture);
            var value = await client.Admin(members[0].Self).Ask<ProbeValue>(new ProbeAdd(id, e + 1), Patience);
            values[id] = value.Value;
        }

        var random = new Random(seed);
        var downed = new List<double>();
        var served = new List<double>();
        for (int k = 0; k < kills; k++)
        {
            int victim = random.Next(3);
            int contact = (victim + 1) % 3;
            var admin = client.Admin(members[contact].Self);
            // An entity the victim hosts now.
            string? entity = null;
            foreach (string id in values.Keys.OrderBy(_ => random.Next()))
            {
                var where = await admin.Ask<ProbeValue>(new ProbeGet(id), Patience);
                if (where.Node == addresses[victim])
                {
                    entity = id;
                    break;
                }
            }
            // A node restarted after a kill hosts nothing until shards rebalance; new entities' shards go to the
            // region with the fewest, so new entities soon land on it.
            for (int extra = 0; entity is null && extra < 100; extra++)
            {
                string id = "p" + values.Count.ToString(CultureInfo.InvariantCulture);
                var added = await admin.Ask<ProbeValue>(new ProbeAdd(id, 1), Patience);
                values[id] = added.Value;
                if (added.Node == addresses[victim]) entity = id;
            }
            if (entity is null)
            {
                output.WriteLine($"kill {k + 1}: node-{victim + 1} hosts no probe entity; skipped");
                continue;
            }
            var clock = Stopwatch.StartNew();
            cluster.Nodes[victim].Kill();
            var downTask = WaitDownedAsync(admin, addresses[victim], clock);
            var servedTask = WaitServedAsync(admin, entity, addresses[victim], clock);
            var (down, (served1, value, node)) = (await downTask, await servedTask);
            string check = value == values[entity] ? "value intact" : $"VALUE {value}, expected {values[entity]}";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kill {k + 1}: node-{victim + 1} ({addresses[victim]}), entity {entity}: downed after {down:0.00} s, served again after {served1:0.00} s by {node}, {check}"));
            downed.Add(down);
            served.Add(served1);
            await cluster.RestartAsync(victim);
            await WaitAllUpAsync(client, members, addresses);
        }
        output.WriteLine(Summary("downed (kill -> Down or removed, as a survivor sees it)", downed));
        output.WriteLine(Summary("served again (kill -> the entity answers from a survivor)", served));
        return 0;
    }

    private static async Task<double> WaitDownedAsync(ActorSelection admin, string victim, Stopwatch clock)
    {
        while (clock.Elapsed < Patience)
        {
            var status = await admin.Ask<ClusterStatus>(new MembersQuery(), TimeSpan.FromSeconds(5));
            var member = status.Members.FirstOrDefault(m => m.Address == victim);
            if (member is null || member.Status is "Down" or "Removed") return clock.Elapsed.TotalSeconds;
            await Task.Delay(50); // between polls
        }
        throw new TimeoutException($"{victim} was not downed within {Patience.TotalSeconds} s");
    }

    private static async Task<(double Seconds, long Value, string Node)> WaitServedAsync(ActorSelection admin, string entity, string victim, Stopwatch clock)
    {
        while (clock.Elapsed < Patience)
        {
            try
            {
                var value = await admin.Ask<ProbeValue>(new ProbeGet(entity), TimeSpan.FromMilliseconds(500));
                if (value.Node != victim) return (clock.Elapsed.TotalSeconds, value.Value, value.Node);
            }
            catch (AskTimeoutException)
            {
                // The shard's home is dead or moving: ask again.
            }
        }
        throw new TimeoutException($"{entity} was not served again within {Patience.TotalSeconds} s");
    }

    private static async Task WaitAllUpAsync(AdminClient client, IReadOnlyList<ClusterSettings> members, IReadOnlyList<string> addresses)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            try
            {
                var (status, _) = await client.AskAnyAsync<ClusterStatus>(members.Select(m => m.Self), new MembersQuery(), TimeSpan.FromSeconds(5));
                if (addresses.All(a => status.Members.Any(m => m.Address == a && m.Status == "Up" && m.Reachable)) && status.Members.Count == addresses.Count)
                    return;
            }
            catch (ClusterNodeException)
            {
            }
            await Task.Delay(200); // between polls
        }
        throw new TimeoutException("the three nodes were not all Up");
    }

    private static string Summary(string what, List<double> seconds)
    {
        if (seconds.Count == 0) return $"{what}: no samples";
        var sorted = seconds.OrderBy(s => s).ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        double p95 = sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: n={sorted.Count} median {median:0.00} s, p95 {p95:0.00} s, max {sorted[^1]:0.00} s");
    }

    /// <summary>The virtsim.dll of this repository's Release build of src/Virtsim.Cli.</summary>
    internal static string DefaultVirtsim()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? ".", "src", "Virtsim.Cli", "bin", "Release", "net10.0", "virtsim.dll");
    }
}
