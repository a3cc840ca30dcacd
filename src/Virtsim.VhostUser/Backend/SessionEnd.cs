namespace Virtsim.VhostUser.Backend;

/// <summary>Why a session's serve loop returned.</summary>
/// <param name="Kind">The kind of ending.</param>
/// <param name="Reason">A readable reason (empty for a clean close).</param>
public readonly record struct SessionEnd(SessionEndKind Kind, string Reason);

/// <summary>Kinds of session endings.</summary>
public enum SessionEndKind : byte
{
    /// <summary>The front-end closed the connection.</summary>
    Closed,
    /// <summary>The serve loop was cancelled.</summary>
    Cancelled,
    /// <summary>The front-end broke the protocol; the connection was closed.</summary>
    ProtocolError,
    /// <summary>The socket failed.</summary>
    IoError,
}
