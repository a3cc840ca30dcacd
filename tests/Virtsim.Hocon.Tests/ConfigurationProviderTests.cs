using System.Text;
using Microsoft.Extensions.Configuration;
using Virtsim.Hocon.Configuration;

namespace Virtsim.Hocon.Tests;

public class ConfigurationProviderTests
{
    public sealed class NodeOptions
    {
        public string Name { get; set; } = "";
        public int Port { get; set; }
        public bool Seed { get; set; }
        public TimeSpan Heartbeat { get; set; }
        public List<string> Roles { get; set; } = [];
        public List<QueueOptions> Queues { get; set; } = [];
        public Dictionary<string, int> Limits { get; set; } = [];
    }

    public sealed class QueueOptions
    {
        public int Size { get; set; }
        public bool Packed { get; set; }
    }

    private const string NodeText = """
        defaults { port = 7000 }
        node {
          name = "node-1"
          port = ${defaults.port}
          seed = true
          heartbeat = "00:00:01.5"
          roles = [ compute, storage ]
          queues = [ { size = 256, packed = true }, { size = 1024 } ]
          limits { vms = 64, vcpus = 512 }
        }
        node.port = 7100
        """;

    [Fact]
    public void Paths_map_to_colon_keys_and_arrays_to_indexes()
    {
        var root = Hocon.Parse("a { b { c = 1 } }\nlist = [x, { y = true }]\nempty = []\nn = null");
        var keys = HoconConfigurationProvider.ToKeys(root.Root);
        Assert.Equal("1", keys["a:b:c"]);
        Assert.Equal("x", keys["list:0"]);
        Assert.Equal("true", keys["list:1:y"]);
        Assert.True(keys.ContainsKey("empty"));
        Assert.Null(keys["empty"]);
        Assert.Null(keys["n"]);
    }

    [Fact]
    public void String_source_binds_to_options_class()
    {
        var configuration = new ConfigurationBuilder().AddHoconString(NodeText, Hocon.Options()).Build();
        var node = configuration.GetSection("node").Get<NodeOptions>()!;
        Assert.Equal("node-1", node.Name);
        Assert.Equal(7100, node.Port);
        Assert.True(node.Seed);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), node.Heartbeat);
        Assert.Equal(["compute", "storage"], node.Roles);
        Assert.Equal(2, node.Queues.Count);
        Assert.Equal(256, node.Queues[0].Size);
        Assert.True(node.Queues[0].Packed);
        Assert.Equal(1024, node.Queues[1].Size);
        Assert.Equal(64, node.Limits["vms"]);
        Assert.Equal(512, node.Limits["vcpus"]);
    }

    [Fact]
    public void File_source_with_includes_binds()
    {
        using var dir = new TempDir();
        dir.Write("defaults.conf", "node { port = 7000, roles = [compute] }");
        var path = dir.Write("cluster.conf", "include \"defaults.conf\"\nnode { name = n2, seed = true }");
        var configuration = new ConfigurationBuilder().AddHoconFile(path, optional: false, Hocon.Options()).Build();
        var node = configuration.GetSection("node").Get<NodeOptions>()!;
        Assert.Equal("n2", node.Name);
        Assert.Equal(7000, node.Port);
        Assert.True(node.Seed);
        Assert.Equal(["compute"], node.Roles);
    }

    [Fact]
    public void Optional_missing_file_provides_nothing_and_required_missing_file_throws()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile("/nonexistent/virtsim.conf", optional: true).Build();
        Assert.Empty(configuration.AsEnumerable());
        Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile("/nonexistent/virtsim.conf").Build());
    }

    [Fact]
    public void Stream_source_loads_and_later_sources_override()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("node { name = fromstream, port = 1 }"));
        var configuration = new ConfigurationBuilder()
            .AddHoconStream(stream, Hocon.Options())
            .AddHoconString("node.port = 2", Hocon.Options())
            .Build();
        Assert.Equal("fromstream", configuration["node:name"]);
        Assert.Equal("2", configuration["node:port"]);
    }

    [Fact]
    public void Invalid_hocon_surfaces_as_hocon_exception_with_position()
    {
        var e = Assert.Throws<HoconException>(() =>
            new ConfigurationBuilder().AddHoconString("a = [1", Hocon.Options(source: "bad.conf")).Build());
        Assert.StartsWith("bad.conf:1:7:", e.Message);
    }
}
