using System.Buffers;

namespace Virtsim.Fleet.Messages.Wire;

/// <summary>
/// Maps wire type ids to message types. A message on the wire is its type id (LEB128) followed by its fields
/// (<see cref="ToBytes"/>, <see cref="Read(ReadOnlySpan{byte})"/>); the Akka.NET serializer carries the id as its
/// manifest and the fields as the payload (<see cref="WriteFields"/>, <see cref="ReadFields"/>). Registration is not
/// thread-safe; register everything before use, then share freely.
/// </summary>
public sealed class WireRegistry
{
    private delegate object ReadFn(ref WireReader reader);

    private readonly Dictionary<Type, ushort> _ids = new();
    private readonly Dictionary<ushort, (Type Type, ReadFn Read)> _readers = new();

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

    /// <summary>The wire type id of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public ushort TypeId(Type type) =>
        _ids.TryGetValue(type, out var id) ? id : throw new ArgumentException($"{type.Name} has no registered wire form.", nameof(type));

    /// <summary>Writes the fields of <paramref name="message"/> (not its type id).</summary>
    public static void WriteFields(IWireMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new WireWriter(output);
        message.Write(ref w);
    }

    /// <summary>Writes the type id and fields of <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">The message's type is not registered.</exception>
    public void Write(IWireMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new WireWriter(output);
        w.WriteVarUInt64(TypeId(message.GetType()));
        message.Write(ref w);
    }

    /// <summary>Serializes a message, type id first, into a new array.</summary>
    public byte[] ToBytes(IWireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one whole message, type id first; every byte of <paramref name="data"/> must belong to it.</summary>
    /// <exception cref="WireFormatException">The bytes are malformed.</exception>
    public object Read(ReadOnlySpan<byte> data)
    {
        var r = new WireReader(data);
        var id = r.ReadVarUInt64();
        if (id > ushort.MaxValue) throw new WireFormatException($"Unknown wire type id {id}.");
        return ReadRest((ushort)id, ref r);
    }

    /// <summary>Reads the fields of a message of type <paramref name="typeId"/>; every byte must belong to it.</summary>
    /// <exception cref="WireFormatException">The id is unknown or the bytes are malformed.</exception>
    public object ReadFields(ushort typeId, ReadOnlySpan<byte> fields)
    {
        var r = new WireReader(fields);
        return ReadRest(typeId, ref r);
    }

    private object ReadRest(ushort id, ref WireReader r)
    {
        if (!_readers.TryGetValue(id, out var entry)) throw new WireFormatException($"Unknown wire type id {id}.");
        var message = entry.Read(ref r);
        if (r.Remaining != 0) throw new WireFormatException($"{r.Remaining} trailing bytes after {entry.Type.Name}.");
        return message;
    }
}
