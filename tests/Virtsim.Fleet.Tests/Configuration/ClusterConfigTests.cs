using Virtsim.Simulation.Engine;
using Virtsim.Cli;
using Virtsim.Cli.Configuration;
using Virtsim.Hocon;
using Virtsim.Hocon.Tests;
using Virtsim.Hosting.Node;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Fleet.Tests.Configuration;

/// <summary>cluster-config/*.conf, the built-in default and <c>virtsim run --cluster</c>.</summary>
public class ClusterConfigTests
{
    private static string ClusterFile(string name) => Path.Combine(RepositoryConfigs.Root(), "cluster-config", name);

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void The_built_in_default_is_cluster_config_single_node_conf()
    {
        Assert.Equal(File.ReadAllText(ClusterFile("single-node.conf")), NodeSettingsLoader.BuiltInText());
        var builtIn = NodeSettingsLoader.Load(null, environment: Env());
        var file = NodeSettingsLoader.Load(ClusterFile("single-node.conf"), environment: Env());
        Assert.Equal(builtIn with { Source = "x" }, file with { Source = "x" });
        Assert.Equal(NodeSettingsLoader.BuiltInName, builtIn.Source);
    }

    [Fact]
    public void Single_node_is_one_simulated_node_on_sqlite_under_data()
    {
        var node = NodeSettingsLoader.Load(ClusterFile("single-node.conf"), environment: Env());
        Assert.Equal("node-1", node.Name);
        Assert.Equal(DispatcherKind.Simulation, node.Dispatcher.Kind);
        Assert.Equal(PersistencePlugin.Sqlite, node.Persistence.Plugin);
        Assert.Equal("data/virtsim.db", node.Persistence.Sqlite.Path);
        Assert.False(Path.IsPathRooted(node.Persistence.Sqlite.Path));
        Assert.Equal(Simulator.DefaultEpoch, node.Dispatcher.Epoch);
    }

    [Fact]
    public void Node_reference_defaults_are_a_real_time_node_without_snapshots()
    {
        // A cluster file that says nothing gets the node reference.conf values.
        var node = NodeSettingsLoader.FromConfig(HoconConfig.Empty, "empty");
        Assert.Equal(DispatcherKind.Threaded, node.Dispatcher.Kind);
        Assert.Equal(100, node.Dispatcher.Throughput);
        Assert.Equal(Simulator.DefaultEpoch, node.Dispatcher.Epoch);
        Assert.Null(node.Seed);
        Assert.Equal(PersistenceSettings.Reference, node.Persistence);
        Assert.Equal((0, false, TimeSpan.Zero), (node.SnapshotEvery, node.DeleteAfterSnapshot, node.SimulatedStoreLatency));
        Assert.Equal(new Virtsim.Fleet.Persistence.FleetPersistence("p/"), node.FleetPersistence("p/"));
    }

    [Fact]
    public void Persistent_actor_settings_are_read_and_checked_with_their_position()
    {
        var node = NodeSettingsLoader.FromConfig(HoconConfig.Parse(
            "virtsim.persistence.actors { snapshot-every = 25, delete-after-snapshot = true, simulated-store-latency = 3us }"),
            "inline");
        Assert.Equal((25, true, TimeSpan.FromMicroseconds(3)), (node.SnapshotEvery, node.DeleteAfterSnapshot, node.SimulatedStoreLatency));
        Assert.Equal(new Virtsim.Fleet.Persistence.FleetPersistence("p/", 25, true), node.FleetPersistence("p/"));

        var bad = Assert.Throws<HoconException>(() => NodeSettingsLoader.FromConfig(HoconConfig.Parse(
            "virtsim.persistence.actors {\n  snapshot-every = -1\n}", new HoconParseOptions { SourceName = "bad.conf" }), "bad.conf"));
        Assert.Contains("snapshot-every", bad.Message);
        Assert.Contains("bad.conf:2:", bad.Message);
        Assert.Throws<HoconException>(() => NodeSettingsLoader.FromConfig(HoconConfig.Parse("virtsim.persistence.actors.simulated-store-latency = -1us"), "x"));
    }

    [Fact]
    public void Postgresql_conf_takes_the_connection_from_the_environment_when_set()
    {
        var unset = NodeSettingsLoader.Load(ClusterFile("postgresql.conf"), environment: Env());
        Assert.Equal(PersistencePlugin.PostgreSql, unset.Persistence.Plugin);
        Assert.Equal(PersistenceSettings.Reference.PostgreSql, unset.Persistence.PostgreSql);
        Assert.Equal(DispatcherKind.Threaded, unset.Dispatcher.Kind); // a real-time node: the store is its journal

        var set = NodeSettingsLoader.Load(ClusterFile("postgresql.conf"), environment: Env(
            ("PGHOST", "db1"), ("PGPORT", "5433"), ("PGUSER", "fleet"), ("PGDATABASE", "lab"), ("VIRTSIM_PG_SCHEMA", "run_7"),
            ("VIRTSIM_NODE_NAME", "node-7")));
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(set.Persistence.PostgreSql.ConnectionString);
        Assert.Equal(("db1", 5433, "fleet", "lab"), (cs.Host, cs.Port, cs.Username, cs.Database));
        Assert.Equal(("run_7", "node-7"), (set.Persistence.PostgreSql.Schema, set.Name));

        var whole = NodeSettingsLoader.Load(ClusterFile("postgresql.conf"), environment: Env(("VIRTSIM_PG_CONNECTION", "Host=h9;Database=d9")));
        Assert.Equal("Host=h9;Database=d9", whole.Persistence.PostgreSql.ConnectionString);
    }

    [Fact]
    public void A_scenarios_virtsim_section_overrides_the_cluster_file()
    {
        var scenario = HoconConfig.Parse("virtsim.persistence.plugin = memory\nvirtsim.node.name = lab");
        var node = NodeSettingsLoader.Load(null, scenario, Env());
        Assert.Equal((PersistencePlugin.Memory, "lab"), (node.Persistence.Plugin, node.Name));
        Assert.Equal(DispatcherKind.Simulation, node.Dispatcher.Kind);
    }

    [Theory]
    [InlineData("virtsim.actors.dispatcher.type = fibers", "unknown dispatcher type 'fibers'", 1, 34)]
    [InlineData("virtsim {\n  node.name = \"a b\"\n}", "node name 'a b'", 2, 15)]
    [InlineData("virtsim.actors.dispatcher.threaded.throughput = 0", "throughput must be at least 1", 1, 49)]
    [InlineData("virtsim.actors.dispatcher.simulation.epoch = yesterday", "epoch 'yesterday'", 1, 46)]
    [InlineData("virtsim.persistence.actors { snapshot-every = 3, simulated-store-latency = -1s }", "must not be negative", 1, 76)]
    [InlineData("virtsim.persistence.plugin = cassandra", "unknown persistence plugin", 1, 30)]
    [InlineData("virtsim.node = 3", "virtsim.node", 1, 16)]
    [InlineData("virtsim.actors.seed = -7", "seed must be at least 0 (got -7)", 1, 23)]
    public void Bad_cluster_files_are_errors_with_file_line_and_column(string text, string expected, int line, int column)
    {
        var e = Assert.Throws<HoconException>(() =>
            NodeSettingsLoader.FromConfig(HoconConfig.Parse(text, new HoconParseOptions { SourceName = "node.conf" }), "node.conf"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(new HoconPosition("node.conf", line, column), e.Position);
    }

    [Fact]
    public void Run_reads_the_cluster_file_and_reports_a_bad_one_with_exit_2()
    {
        string quickstart = Path.Combine(RepositoryConfigs.Root(), "scenarios", "quickstart.conf");
        var file = Path.Combine(Path.GetTempPath(), "virtsim-cluster-" + Guid.NewGuid().ToString("N")[..8] + ".conf");
        try
        {
            File.WriteAllText(file, "virtsim {\n  persistence.plugin = tape\n}\n");
            var (code, stdout, stderr) = Cli("run", quickstart, "--cluster", file);
            Assert.Equal(ExitCodes.BadScenario, code);
            Assert.Equal("", stdout);
            Assert.Contains($"{Path.GetFileName(file)}:2:24: unknown persistence plugin 'tape'", stderr);

            var missing = Cli("run", quickstart, "--cluster", file + ".nope");
            Assert.Equal(ExitCodes.BadScenario, missing.Code);
            Assert.Contains("not found", missing.Stderr);

            File.WriteAllText(file, "virtsim.persistence.plugin = memory\nvirtsim.node.name = lab-node\n");
            var good = Cli("run", "quickstart", "--cluster", file, "--json");
            Assert.Equal(ExitCodes.Ok, good.Code);
            // A cluster file replaces the built-in one: what it leaves out comes from the references (threaded dispatcher).
            Assert.Contains("node lab-node, threaded dispatcher, persistence memory", good.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Config_show_with_defaults_merges_the_file_over_every_reference()
    {
        var (code, stdout, _) = Cli("config", "show", "--with-defaults", ClusterFile("single-node.conf"));
        Assert.Equal(ExitCodes.Ok, code);
        var json = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("virtsim");
        Assert.Equal("simulation", json.GetProperty("actors").GetProperty("dispatcher").GetProperty("type").GetString());
        Assert.Equal(5432, json.GetProperty("persistence").GetProperty("postgresql").GetProperty("port").GetInt32());
        Assert.True(json.GetProperty("fleet").GetProperty("vendors").TryGetProperty("acme-vf", out _));
        Assert.Equal(1, json.GetProperty("vhost-user").GetProperty("serve").GetProperty("queues").GetInt32());
    }

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, stdoutIsTerminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
