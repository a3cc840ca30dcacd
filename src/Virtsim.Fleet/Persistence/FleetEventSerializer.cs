using System.Buffers;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// The Akka.NET serializer of what devices and backends journal (bound in the fleet's reference.conf to
/// <see cref="DeviceImage"/>, <see cref="DiskChange"/>, <see cref="DiskCacheLost"/> and <see cref="DiskImage"/>):
/// their wire forms (<see cref="DeviceImageSerializer"/>, <see cref="DiskSerializer"/>) with the same manifests.
/// Used by the SQL journal of real-time runs; simulated runs keep the objects.
/// </summary>
public sealed class FleetEventSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id among Akka.NET's.</summary>
    public const int SerializerId = 7342;

    /// <summary>Called by Akka.NET.</summary>
    public FleetEventSerializer(ExtendedActorSystem system) : base(system) { }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => For(o).Manifest(o);

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        For(obj).Write(obj, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return (manifest == "d" ? (IEventSerializer)DeviceImageSerializer.Instance : DiskSerializer.Instance).Read(manifest, bytes);
        }
        catch (Exception e) when (e is Messages.Wire.WireFormatException or FormatException or OverflowException)
        {
            throw new SerializationException($"Malformed journal entry (manifest '{manifest}'): {e.Message}", e);
        }
    }

    private static IEventSerializer For(object o) => o is DeviceImage ? DeviceImageSerializer.Instance : DiskSerializer.Instance;
}
