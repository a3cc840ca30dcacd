using System.Buffers;
using System.Globalization;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages;

/// <summary>
/// The Akka.NET serializer of the world's messages (bound to <see cref="IFleetMessage"/> in the fleet's
/// reference.conf): the manifest is the message's wire type id, the payload its wire fields. Malformed bytes from a
/// peer raise <see cref="SerializationException"/> naming the problem, which Akka.NET remoting logs and drops.
/// </summary>
public sealed class FleetSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id among Akka.NET's (ids below 100 are Akka.NET's own).</summary>
    public const int SerializerId = 7341;

    // Manifests of the ids in use, made once: a manifest per message must not allocate.
    private static readonly string[] Manifests = Enumerable.Range(0, 1024).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Called by Akka.NET.</summary>
    public FleetSerializer(ExtendedActorSystem system) : base(system) { }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o)
    {
        var id = FleetWire.Registry.TypeId(o.GetType());
        return id < Manifests.Length ? Manifests[id] : id.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (obj is not IFleetMessage message) throw new ArgumentException($"{obj.GetType().Name} is not a fleet message.", nameof(obj));
        var buffer = new ArrayBufferWriter<byte>(64);
        WireRegistry.WriteFields(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ushort.TryParse(manifest, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new SerializationException($"'{manifest}' is not a fleet message's wire type id.");
        try
        {
            return FleetWire.Registry.ReadFields(id, bytes);
        }
        catch (WireFormatException e)
        {
            throw new SerializationException($"Malformed fleet message (type id {id}): {e.Message}", e);
        }
    }
}
