using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Virtsim.Fleet.Tests.Cli;
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

    /// <summary>The status as <c>virtsim cluster status --json</c> prints it.</summary>
    public static JsonElement Status(string config)
    {
        var (code, output, errors) = CliHarness.Run("cluster", "status", "--config", config, "--json");
        Assert.True(code == 0, $"cluster status exited {code}: {errors}");
        return JsonDocument.Parse(output).RootElement;
    }

    /// <summary>Asks for the status until <paramref name="done"/> holds (gossip takes a moment to agree); the last one.</summary>
    public static async Task<JsonElement> StatusUntilAsync(string config, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TestCluster.Patience;
        var status = Status(config);
        while (!done(status))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the cluster did not reach the expected state; last status: {status}");
            await Task.Delay(250); // between two questions to the cluster, not a wait for a result
            status = Status(config);
        }
        return status;
    }

    /// <summary>The members of a status.</summary>
    public static IEnumerable<JsonElement> Members(JsonElement status) => status.GetProperty("members").EnumerateArray();

    /// <summary>
    /// Runs <c>virtsim run SCENARIO --local-nodes 3 --json</c> as a process and waits for it (at most four minutes, then
    /// kills it and fails naming <paramref name="what"/>); returns its exit code and both outputs.
    /// </summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunOnLocalNodesAsync(string scenario, string what)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Virtsim.Prefix[0], "run", scenario, "--local-nodes", "3", "--json" }) info.ArgumentList.Add(a);
        using var run = System.Diagnostics.Process.Start(info)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        var exited = run.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMinutes(4))) != exited)
        {
            run.Kill(entireProcessTree: true);
            Assert.Fail($"{what} did not finish: " + await errors);
        }
        return (run.ExitCode, await output, await errors);
    }

    /// <summary>Writes <paramref name="text"/> as the node file <paramref name="name"/>.conf; returns its path.</summary>
    public string File(string name, string text)
    {
        string path = Path.Combine(Folder, name + ".conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Writes three node files on free ports (<paramref name="nodeFile"/> gives each from its index and the ports), starts
    /// the nodes one after the other (node-1 creates the store's schema and tables) and waits until all three are Up.
    /// </summary>
    public async Task<(int[] Ports, string[] Files, List<NodeProcess> Nodes)> StartThreeAsync(Func<int, int[], string> nodeFile)
    {
        int[] ports = [FreePort(), FreePort(), FreePort()];
        string[] files = [.. Enumerable.Range(0, 3).Select(i => File($"node-{i + 1}", nodeFile(i, ports)))];
        var nodes = new List<NodeProcess>();
        foreach (string file in files)
        {
            var node = Start(file);
            await node.WaitUpAsync(Patience);
            nodes.Add(node);
        }
        await StatusUntilAsync(files[0], s => Members(s).Count(m => m.GetProperty("status").GetString() == "Up") == 3);
        return (ports, files, nodes);
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
