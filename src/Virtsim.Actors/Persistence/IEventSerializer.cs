using System.Buffers;

namespace Virtsim.Actors.Persistence;

/// <summary>
/// Turns a persistent actor's events and snapshot states into bytes plus a manifest (a type tag) and back. The
/// actor supplies it (<see cref="PersistentActor.Serializer"/>); one instance may serve many actors, so keep it
/// stateless.
/// </summary>
public interface IEventSerializer
{
    /// <summary>The type tag stored with <paramref name="value"/>, telling <see cref="Read"/> what to build. Never null.</summary>
    string Manifest(object value);

    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="output"/>. The actor reuses one buffer for all events of
    /// a write, so nothing is allocated here beyond what the format itself needs.
    /// </summary>
    void Write(object value, IBufferWriter<byte> output);

    /// <summary>Rebuilds the value stored with <paramref name="manifest"/>.</summary>
    /// <exception cref="Exception">Any exception stops recovery with the event's sequence number in the error.</exception>
    object Read(string manifest, ReadOnlySpan<byte> payload);
}
