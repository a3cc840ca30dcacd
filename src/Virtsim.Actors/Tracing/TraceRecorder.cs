using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Tracing;

/// <summary>Records every delivered message as a <see cref="TraceEntry"/>, in order. Thread-safe.</summary>
public sealed class TraceRecorder : IMessageTrace
{
    private readonly List<TraceEntry> _entries = new();
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public void OnDelivered(IActorRef? sender, IActorRef receiver, object message)
    {
        var e = new TraceEntry(sender?.Path.ToString() ?? "-", receiver.Path.ToString(), message.GetType().FullName ?? message.GetType().Name);
        lock (_lock) _entries.Add(e);
    }

    /// <summary>A copy of the entries recorded so far.</summary>
    public IReadOnlyList<TraceEntry> Entries
    {
        get { lock (_lock) return _entries.ToArray(); }
    }

    /// <summary>The <see cref="TraceHash"/> of the entries recorded so far.</summary>
    public ulong Hash => TraceHash.Of(Entries);
}
