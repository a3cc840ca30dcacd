namespace Virtsim.VhostUser.Backend;

/// <summary>
/// Why front-end connections ended badly, in bounded memory however many peers misbehave: a count per kind
/// (protocol, socket) and only the last <see cref="KeptReasons"/> reasons, oldest first.
/// </summary>
public sealed class SessionErrorLog
{
    /// <summary>How many of the latest reasons are kept.</summary>
    public const int KeptReasons = 16;

    private readonly Queue<string> _last = new();

    /// <summary>Connections closed because the front-end broke the protocol.</summary>
    public long ProtocolErrors { get; private set; }

    /// <summary>Connections closed because the socket failed.</summary>
    public long IoErrors { get; private set; }

    /// <summary>The last <see cref="KeptReasons"/> (or fewer) reasons, oldest first.</summary>
    public IReadOnlyList<string> LastReasons => [.. _last];

    /// <summary>Counts <paramref name="end"/> when it is an error and keeps its reason; other endings are ignored.</summary>
    public void Add(SessionEnd end)
    {
        switch (end.Kind)
        {
            case SessionEndKind.ProtocolError: ProtocolErrors++; break;
            case SessionEndKind.IoError: IoErrors++; break;
            default: return;
        }
        _last.Enqueue(end.Reason);
        if (_last.Count > KeptReasons) _last.Dequeue();
    }
}
