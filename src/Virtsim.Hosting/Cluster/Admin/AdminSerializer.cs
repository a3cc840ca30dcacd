using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Virtsim.Hosting.Cluster.Placement;
using Virtsim.Hosting.Cluster.Probe;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// The Akka.NET serializer of <see cref="IAdminMessage"/>s (control messages between a client and the nodes, and the
/// probe's events): JSON of a closed list of types, the manifest naming the type. Anything else from a peer, or bytes
/// that are not the named type's JSON, is a <see cref="SerializationException"/> (Akka.NET remoting drops the
/// message). The world's messages never come here: they have <c>FleetSerializer</c>.
/// </summary>
public sealed class AdminSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id (Akka.NET's own are below 100; the world's are 7341 and 7342).</summary>
    public const int SerializerId = 7351;

    private static readonly Dictionary<string, Type> Types = new[]
    {
        typeof(StatusQuery), typeof(MembersQuery), typeof(NodeInfoQuery), typeof(LeaveCommand), typeof(LeaveResult), typeof(ClusterStatus),
        typeof(NodeInfo), typeof(PartitionCommand), typeof(PartitionResult), typeof(RunScenario), typeof(RunUpdate), typeof(RunFinished), typeof(CancelRun), typeof(NodeKilled),
        typeof(ProbeAdd), typeof(ProbeGet), typeof(ProbeValue), typeof(ProbeAdded),
        typeof(PlaceActors), typeof(ActorsPlaced), typeof(BlockChecksumsQuery), typeof(BlockChecksumsReply), typeof(ReleasePlaced), typeof(PlacedReleased), typeof(PlaceIncoming), typeof(SwitchPlacedBackend),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Options = new() { MaxDepth = 16 };

    /// <summary>Called by Akka.NET.</summary>
    public AdminSerializer(ExtendedActorSystem system) : base(system) { }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Types.ContainsKey(o.GetType().Name) ? o.GetType().Name : throw new ArgumentException($"{o.GetType().Name} is not an admin message.", nameof(o));
    }

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, Types[Manifest(obj)], Options);
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type)) throw new SerializationException($"'{manifest}' is not an admin message type.");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"{manifest}: null message.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Malformed {manifest}: {e.Message}", e);
        }
    }
}
