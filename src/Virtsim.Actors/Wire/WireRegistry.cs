using System.Buffers;
using Virtsim.Actors.Messages;

namespace Virtsim.Actors.Wire;

/// <summary>
/// Maps wire type ids to message types. A message on the wire is its type id (LEB128) followed by its fields;
/// framing (lengths between messages) belongs to the transport. <see cref="CreateDefault"/> knows the engine's own
/// messages (<see cref="Terminated"/>, <see cref="PoisonPill"/>, <see cref="Kill"/>, <see cref="StatusFailure"/>).
/// Registration is not thread-safe; register everything before use, then share freely.
/// </summary>
public sealed class WireRegistry
{
    /// <summary>Type ids below this are reserved for the engine.</summary>
    public const ushort FirstUserTypeId = 100;

    private delegate object ReadFn(ref WireReader reader);

    private readonly Dictionary<Type, ushort> _ids = new();
    private readonly Dictionary<ushort, (Type Type, ReadFn Read)> _readers = new();

    /// <summary>A registry with the engine's system messages registered.</summary>
    public static WireRegistry CreateDefault()
    {
        var r = new WireRegistry();
        r.Register<Terminated>();
        r.Register<PoisonPill>();
        r.Register<Kill>();
        r.Register<StatusFailure>();
        return r;
    }

    /// <summary>Registers a message type under its <see cref="IWireMessage{TSelf}.WireTypeId"/>.</summary>
    /// <exception cref="InvalidOperationException">The id or the type is registered already.</exception>
    public void Register<T>() where T : IWireMessage<T>
    {
        var id = T.WireTypeId;
        if (_readers.TryGetValue(id, out var existing))
            throw new InvalidOperationException($"Wire type id {id} is taken by {existing.Type.Name}.");
        if (!_ids.TryAdd(typeof(T), id))
            throw new InvalidOperationException($"{typeof(T).Name} is registered already.");
        _readers[id] = (typeof(T), static (ref WireReader r) => T.Read(ref r));
    }

    /// <summary>True when <paramref name="type"/> has a registered wire form.</summary>
    public bool IsRegistered(Type type) => _ids.ContainsKey(type);

    /// <summary>Writes the type id and fields of <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">The message's type is not registered.</exception>
    public void Write(IWireMessage message, IBufferWriter<byte> output)
    {
        if (!_ids.TryGetValue(message.GetType(), out var id))
            throw new ArgumentException($"{message.GetType().Name} has no registered wire form.", nameof(message));
        var w = new WireWriter(output);
        w.WriteVarUInt64(id);
        message.Write(ref w);
    }

    /// <summary>Serializes a message into a new array.</summary>
    public byte[] ToBytes(IWireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one whole message; every byte of <paramref name="data"/> must belong to it.</summary>
    /// <exception cref="WireFormatException">The bytes are malformed.</exception>
    public object Read(ReadOnlySpan<byte> data, IActorRefResolver? resolver)
    {
        var r = new WireReader(data, resolver);
        var id = r.ReadVarUInt64();
        if (id > ushort.MaxValue || !_readers.TryGetValue((ushort)id, out var entry))
            throw new WireFormatException($"Unknown wire type id {id}.");
        var message = entry.Read(ref r);
        if (r.Remaining != 0)
            throw new WireFormatException($"{r.Remaining} trailing bytes after {entry.Type.Name}.");
        return message;
    }
}
