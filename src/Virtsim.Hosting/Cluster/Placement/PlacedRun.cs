using Akka.Actor;
using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>
/// What the world's node knows of one run's placed actors: on which node each device and blk backend runs, the nodes
/// used and lost, and the failover figures. Shared by the run's thread (checksums and release after the run) and the
/// <see cref="PlacedFailoverActor"/>, under a lock.
/// </summary>
public sealed class PlacedRun
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Address> _deviceNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Address> _backendNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _backendPaths = new(StringComparer.Ordinal);
    private readonly HashSet<Address> _used = [];
    private readonly HashSet<Address> _lost = [];
    private readonly List<double> _failoverMs = [];
    private long _rebuilt;
    private long _killedAtUnixMs = -1;

    /// <summary>A run placed with id <paramref name="runId"/> from the world's node <paramref name="world"/>.</summary>
    public PlacedRun(string runId, RunScenario scenario, Address world)
    {
        RunId = runId;
        Scenario = scenario;
        World = world;
    }

    /// <summary>The run's id (names its actors on every node).</summary>
    public string RunId { get; }

    /// <summary>The run (each node builds its actors from its scenario).</summary>
    public RunScenario Scenario { get; }

    /// <summary>The node running the world.</summary>
    public Address World { get; }

    /// <summary>Records that the device at <paramref name="path"/> runs on <paramref name="node"/>.</summary>
    public void DeviceOn(string path, Address node)
    {
        lock (_lock) _deviceNodes[path] = node;
    }

    /// <summary>Records that the blk backend of <paramref name="path"/> runs apart from its device on <paramref name="node"/> as <paramref name="actorPath"/>.</summary>
    public void BackendOn(string path, Address node, string actorPath)
    {
        lock (_lock)
        {
            _backendNodes[path] = node;
            _backendPaths[path] = actorPath;
        }
    }

    /// <summary>Records that <paramref name="node"/> runs actors of the run (it is asked for their counters at the end).</summary>
    public void Use(Address node)
    {
        lock (_lock) _used.Add(node);
    }

    /// <summary>True (once) when <paramref name="node"/> ran actors of the run: it is lost from now on.</summary>
    public bool Lose(Address node)
    {
        lock (_lock) return _used.Contains(node) && _lost.Add(node);
    }

    /// <summary>The devices that ran on <paramref name="node"/>.</summary>
    public IReadOnlyList<string> DevicesOn(Address node)
    {
        lock (_lock) return [.. _deviceNodes.Where(d => d.Value.Equals(node)).Select(d => d.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>The blk backends placed apart from their device that ran on <paramref name="node"/>.</summary>
    public IReadOnlyList<string> BackendsOn(Address node)
    {
        lock (_lock) return [.. _backendNodes.Where(d => d.Value.Equals(node)).Select(d => d.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>The actor path of the blk backend of <paramref name="path"/> when it runs apart from its device, else null.</summary>
    public string? BackendPath(string path)
    {
        lock (_lock) return _backendPaths.GetValueOrDefault(path);
    }

    /// <summary>The node running the device at <paramref name="path"/> when it is placed, else null (its host built it).</summary>
    public Address? DeviceNode(string path)
    {
        lock (_lock) return _deviceNodes.GetValueOrDefault(path);
    }

    /// <summary>The node holding the disk of <paramref name="path"/> (its backend's, else its device's).</summary>
    public Address DiskNode(string path)
    {
        lock (_lock) return _backendNodes.TryGetValue(path, out var b) ? b : _deviceNodes[path];
    }

    /// <summary>The nodes running actors of the run, without the lost ones.</summary>
    public IReadOnlyList<Address> LiveNodes()
    {
        lock (_lock) return [.. _used.Except(_lost)];
    }

    /// <summary>Records <paramref name="count"/> placed actors rebuilt after their node was lost.</summary>
    public void Rebuilt(int count) => Interlocked.Add(ref _rebuilt, count);

    /// <summary>The client killed a node at <paramref name="unixMs"/> (milliseconds since the Unix epoch).</summary>
    public void Killed(long unixMs) => Interlocked.Exchange(ref _killedAtUnixMs, unixMs);

    /// <summary>When a node was killed (Unix ms), or null when the client killed none.</summary>
    public long? KilledAtUnixMs => Interlocked.Read(ref _killedAtUnixMs) is var k && k >= 0 ? k : null;

    /// <summary>Records that a rebuilt device served its first request <paramref name="milliseconds"/> after its node was lost.</summary>
    public void ServedAgain(double milliseconds)
    {
        lock (_lock) _failoverMs.Add(milliseconds);
    }

    /// <summary>
    /// The failover counters for the report: <c>PlacedNodesLost</c>, <c>PlacedActorsRebuilt</c>, <c>PlacedDevicesServedAgain</c>
    /// and the failover time's <c>FailoverTimeMedianMs</c>, <c>FailoverTimeP95Ms</c>, <c>FailoverTimeMaxMs</c> (from the
    /// kill, or from when the node was seen unreachable, to the first request a rebuilt device served).
    /// </summary>
    public Dictionary<string, long> Counters()
    {
        lock (_lock)
        {
            var sorted = _failoverMs.Order().ToList();
            long At(double q) => sorted.Count == 0 ? 0 : (long)Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)]);
            return new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["PlacedNodesLost"] = _lost.Count,
                ["PlacedActorsRebuilt"] = Interlocked.Read(ref _rebuilt),
                ["PlacedDevicesServedAgain"] = sorted.Count,
                ["FailoverTimeMedianMs"] = At(0.5),
                ["FailoverTimeP95Ms"] = At(0.95),
                ["FailoverTimeMaxMs"] = sorted.Count == 0 ? 0 : (long)Math.Round(sorted[^1]),
            };
        }
    }
}
