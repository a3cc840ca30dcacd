using System.Buffers;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// Turns a persistent actor's events and snapshot states into bytes plus a manifest (a type tag) and back, in the
/// wire format; <see cref="FleetEventSerializer"/> makes them Akka.NET serializers for the SQL journal. Stateless.
/// </summary>
public interface IEventSerializer
{
    /// <summary>The type tag stored with <paramref name="value"/>, telling <see cref="Read"/> what to build. Never null.</summary>
    string Manifest(object value);

    /// <summary>Writes <paramref name="value"/> into <paramref name="output"/>.</summary>
    void Write(object value, IBufferWriter<byte> output);

    /// <summary>Rebuilds the value stored with <paramref name="manifest"/>.</summary>
    /// <exception cref="Messages.Wire.WireFormatException">The bytes are malformed.</exception>
    object Read(string manifest, ReadOnlySpan<byte> payload);
}
