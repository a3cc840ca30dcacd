namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// What a run's message faults did: messages faulted by class and action, and the frames they dropped or corrupted
/// (which the receiving workloads account for: a dropped frame is reported lost, a corrupted one fails its checksum).
/// Written on the simulation thread only.
/// </summary>
public sealed class MessageFaultCounts
{
    private readonly long[,] _counts = new long[MessageFaultNames.Classes.Count, MessageFaultNames.Actions.Count];

    /// <summary>Messages that <paramref name="action"/> hit in <paramref name="c"/>.</summary>
    public long this[MessageClass c, MessageFaultAction action] => _counts[(int)c, (int)action];

    /// <summary>Every fault applied.</summary>
    public long Total { get; private set; }

    /// <summary>Frames dropped on the wire (their receivers were told, as for frames a crash destroyed).</summary>
    public long FramesDropped { get; internal set; }

    /// <summary>Frames delivered with a flipped payload bit (each must show as an integrity error).</summary>
    public long FramesCorrupted { get; internal set; }

    /// <summary>Corrupted messages other than frames whose flipped form no longer read, so they were lost.</summary>
    public long Unreadable { get; internal set; }

    internal void Add(MessageClass c, MessageFaultAction action)
    {
        _counts[(int)c, (int)action]++;
        Total++;
    }

    /// <summary>Every non-zero count as (class, action, count), in enum order.</summary>
    public IEnumerable<(MessageClass Class, MessageFaultAction Action, long Count)> NonZero()
    {
        for (int c = 0; c < _counts.GetLength(0); c++)
            for (int a = 0; a < _counts.GetLength(1); a++)
                if (_counts[c, a] > 0) yield return ((MessageClass)c, (MessageFaultAction)a, _counts[c, a]);
    }
}
