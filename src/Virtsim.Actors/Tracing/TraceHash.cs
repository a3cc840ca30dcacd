using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tracing;

/// <summary>
/// A 64-bit FNV-1a hash over an ordered message trace (sender path, receiver path, message type name of each
/// delivery). Two runs with equal hashes delivered the same messages between the same actors in the same order;
/// determinism tests compare them. Use it directly as an <see cref="IMessageTrace"/> (thread-safe) or hash
/// recorded entries with <see cref="Of"/>.
/// </summary>
public sealed class TraceHash : IMessageTrace
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    private readonly Lock _lock = new();
    private ulong _hash = OffsetBasis;

    /// <summary>The hash of everything observed so far.</summary>
    public ulong Value
    {
        get { lock (_lock) return _hash; }
    }

    /// <summary>Deliveries observed so far.</summary>
    public long Count { get; private set; }

    /// <inheritdoc />
    public void OnDelivered(IActorRef? sender, IActorRef receiver, object message)
    {
        var s = sender?.Path.ToString() ?? "-";
        var r = receiver.Path.ToString();
        var t = message.GetType().FullName ?? message.GetType().Name;
        lock (_lock)
        {
            _hash = Add(Add(Add(_hash, s), r), t);
            Count++;
        }
    }

    /// <summary>The hash of an ordered list of entries; equals <see cref="Value"/> after observing the same deliveries.</summary>
    public static ulong Of(IEnumerable<TraceEntry> entries)
    {
        var h = OffsetBasis;
        foreach (var e in entries) h = Add(Add(Add(h, e.SenderPath), e.ReceiverPath), e.MessageType);
        return h;
    }

    private static ulong Add(ulong hash, string text)
    {
        // Length-prefixed, so field boundaries cannot shift between runs.
        for (var i = 0; i < 4; i++) hash = (hash ^ (byte)(text.Length >> (8 * i))) * Prime;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return hash;
    }
}
