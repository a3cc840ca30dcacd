namespace Virtsim.Simulation.Tracing;

/// <summary>
/// A 64-bit hash over an ordered message trace: for each delivery the receiver's path, the message's type and the
/// virtual time, mixed a 64-bit word at a time (texts are hashed once with FNV-1a and cached by the caller). Two runs with equal hashes delivered the same kinds of messages to the same actors at the
/// same virtual times in the same order. Never fed actor UIDs or hash codes, which differ between runs.
/// </summary>
public struct TraceHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    private ulong _value;

    /// <summary>The hash so far (the offset basis for an empty trace).</summary>
    public readonly ulong Value => _value == 0 ? OffsetBasis : _value;

    /// <summary>Deliveries hashed so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one delivery, given the precomputed hashes of its receiver path and message type.</summary>
    public void Add(ulong receiverHash, ulong messageTypeHash, long virtualTicks)
    {
        var h = Value;
        h = Mix(h, receiverHash);
        h = Mix(h, messageTypeHash);
        h = Mix(h, (ulong)virtualTicks);
        _value = h;
        Count++;
    }

    /// <summary>The FNV-1a hash of a text (UTF-16 code units, length-prefixed so fields cannot shift).</summary>
    public static ulong Of(string text)
    {
        var h = Mix(OffsetBasis, (ulong)text.Length);
        foreach (var c in text)
        {
            h = (h ^ (byte)c) * Prime;
            h = (h ^ (byte)(c >> 8)) * Prime;
        }
        return h;
    }

    // One multiply per word (a per-byte FNV step would cost eight): order-sensitive and well spread, which is all a
    // trace comparison needs.
    private static ulong Mix(ulong hash, ulong value)
    {
        hash = (hash ^ value) * 0x9E3779B97F4A7C15UL;
        return hash ^ (hash >> 29);
    }
}
