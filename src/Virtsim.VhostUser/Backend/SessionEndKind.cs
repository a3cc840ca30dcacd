namespace Virtsim.VhostUser.Backend;

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
