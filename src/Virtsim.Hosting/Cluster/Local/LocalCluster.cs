using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Cluster.Local;

/// <summary>
/// A cluster of <c>virtsim node</c> processes on loopback that <c>virtsim run --local-nodes N</c> starts for one run:
/// node files in a temporary folder (node-1 .. node-N, free ports, every node a seed, roles hosts, devices, backends
/// in turn), the journal in the given PostgreSQL store or else in a throwaway PostgreSQL server of its own. Disposing
/// it stops the nodes with SIGTERM (a graceful leave), then the throwaway server, and deletes the folder.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>The most nodes one machine is asked to run.</summary>
    public const int MaxNodes = 9;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly string _folder;
    private readonly VirtsimCommand _virtsim;
    private readonly List<NodeProcess> _nodes = [];
    private TemporaryPostgresServer? _server;

    private LocalCluster(string folder, VirtsimCommand virtsim)
    {
        _folder = folder;
        _virtsim = virtsim;
    }

    /// <summary>The node processes, node-1 first.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The node files, node-1 first.</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>The nodes' ports on 127.0.0.1, node-1 first.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>The role of node <paramref name="index"/> (0-based): hosts, devices, backends in turn.</summary>
    public static string RoleOf(int index) => Roles[index % Roles.Length];

    /// <summary>
    /// The node (0-based index) that runs what a run places on <paramref name="role"/>: of the nodes with the role, the
    /// one with the lowest port (placement takes the first Up member of the role by address); null when none has it.
    /// </summary>
    public int? NodeOfRole(string role) =>
        Enumerable.Range(0, Ports.Count).Where(i => RoleOf(i) == role).OrderBy(i => Ports[i]).Cast<int?>().FirstOrDefault();

    private static readonly string[] Roles = [NodeRoles.Hosts, NodeRoles.Devices, NodeRoles.Backends];

    /// <summary>The PostgreSQL connection the nodes share.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>True when the store is a throwaway server this cluster started (and removes).</summary>
    public bool ThrowawayStore => _server is not null;

    /// <summary>
    /// Starts <paramref name="count"/> nodes with <paramref name="virtsim"/> and waits until each is Up (node-1 first, so
    /// that it creates the store's tables and the cluster alone).
    /// </summary>
    /// <param name="virtsim">How to run virtsim.</param>
    /// <param name="count">1 to <see cref="MaxNodes"/>.</param>
    /// <param name="store">The PostgreSQL store to share, or null for a throwaway server.</param>
    /// <param name="log">Where to say what is started.</param>
    /// <param name="cancellationToken">Stops the start (what started is stopped by dispose).</param>
    /// <param name="extraSettings">HOCON added at the end of every node file (e.g. failure detector timings).</param>
    /// <exception cref="ClusterNodeException">A node did not come up, or the throwaway server did not start.</exception>
    public static async Task<LocalCluster> StartAsync(VirtsimCommand virtsim, int count, PostgreSqlStoreSettings? store, TextWriter log,
        CancellationToken cancellationToken = default, string extraSettings = "")
    {
        ArgumentNullException.ThrowIfNull(virtsim);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxNodes);
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-local-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var cluster = new LocalCluster(folder, virtsim);
        try
        {
            string schema = store?.Schema ?? "virtsim";
            if (store is null)
            {
                try
                {
                    cluster._server = await TemporaryPostgresServer.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    throw new ClusterNodeException($"no store is configured and a throwaway PostgreSQL server could not start: {e.Message}", e);
                }
                log.WriteLine($"local nodes: a throwaway PostgreSQL server on 127.0.0.1:{cluster._server.Port} ({cluster._server.RootDirectory})");
            }
            cluster.ConnectionString = store?.ConnectionString ?? cluster._server!.ConnectionString;
            int[] ports = FreePorts(count);
            cluster.Ports = ports;
            cluster.Files = Enumerable.Range(0, count).Select(i =>
            {
                string path = Path.Combine(folder, $"node-{i + 1}.conf");
                File.WriteAllText(path, NodeFile(i, ports, cluster.ConnectionString, schema) + extraSettings + "\n");
                return path;
            }).ToList();
            for (int i = 0; i < count; i++)
            {
                cluster._nodes.Add(null!);
                string address = await cluster.StartNodeAsync(i, cancellationToken).ConfigureAwait(false);
                log.WriteLine($"local nodes: node-{i + 1} up at {address} (pid {cluster._nodes[i].Id})");
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The node file of node <paramref name="index"/> (0-based).</summary>
    public static string NodeFile(int index, IReadOnlyList<int> ports, string connectionString, string schema)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var s = new StringBuilder();
        s.Append("# Written by virtsim run --local-nodes for one run.\n");
        s.Append(CultureInfo.InvariantCulture, $"virtsim.node.name = node-{index + 1}\n");
        s.Append("virtsim.actors.dispatcher.type = threaded\n");
        s.Append("virtsim.persistence { plugin = postgresql, postgresql { connection-string = ")
            .Append(JsonSerializer.Serialize(connectionString)).Append(", schema = ").Append(JsonSerializer.Serialize(schema)).Append(" } }\n");
        s.Append(CultureInfo.InvariantCulture, $"virtsim.cluster {{ port = {ports[index]}, roles = [{RoleOf(index)}], seed-nodes = [")
            .Append(string.Join(", ", ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"\"127.0.0.1:{p}\""))))
            .Append("] }\n");
        return s.ToString();
    }

    /// <summary>
    /// Starts node <paramref name="index"/> (0-based) again from its file, after it exited or was killed, and waits
    /// until it is Up; returns its address.
    /// </summary>
    /// <exception cref="ClusterNodeException">It did not come up.</exception>
    public async Task<string> RestartAsync(int index, CancellationToken cancellationToken = default)
    {
        var old = _nodes[index];
        await old.DisposeAsync().ConfigureAwait(false);
        return await StartNodeAsync(index, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> StartNodeAsync(int index, CancellationToken cancellationToken)
    {
        string file = Files[index];
        var node = NodeProcess.Start(_virtsim, file);
        _nodes[index] = node;
        try
        {
            return await node.WaitUpAsync(Patience).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new ClusterNodeException($"local node {Path.GetFileNameWithoutExtension(file)} did not come up: {e.Message}", e);
        }
    }

    /// <summary>Stops every node (SIGTERM, then SIGKILL after a minute), the throwaway server, and deletes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        var nodes = _nodes.Where(n => n is not null).ToList();
        await Task.WhenAll(nodes.Select(n => n.StopAsync(TimeSpan.FromMinutes(1)))).ConfigureAwait(false);
        foreach (var node in nodes) await node.DisposeAsync().ConfigureAwait(false);
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static int[] FreePorts(int count)
    {
        // All listeners open at once, so that the ports differ.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
