using System.Net;
using System.Net.Sockets;
using Virtsim.Hosting.Cluster.Local;

namespace Virtsim.Fleet.Tests.Cluster;

/// <summary>
/// Node files in a temporary folder and the <c>virtsim node</c> processes started from them (killed on dispose), for
/// tests that run a cluster as real processes on loopback.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long a test waits for a node to come up or go: generous, for a busy two-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly List<NodeProcess> _nodes = [];

    public TestCluster()
    {
        Folder = Path.Combine(Path.GetTempPath(), "virtsim-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder of the node files.</summary>
    public string Folder { get; }

    /// <summary>How the tests run virtsim: the dll built beside them.</summary>
    public static VirtsimCommand Virtsim { get; } = VirtsimCommand.Dll(Path.Combine(AppContext.BaseDirectory, "virtsim.dll"));

    /// <summary>A TCP port of 127.0.0.1 nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Writes <paramref name="text"/> as the node file <paramref name="name"/>.conf; returns its path.</summary>
    public string File(string name, string text)
    {
        string path = Path.Combine(Folder, name + ".conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Starts <c>virtsim node --config <paramref name="config"/></c>.</summary>
    public NodeProcess Start(string config)
    {
        var node = NodeProcess.Start(Virtsim, config);
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
