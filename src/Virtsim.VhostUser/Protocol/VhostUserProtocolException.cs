namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// A front-end sent something the protocol does not allow (malformed header, wrong payload size, unknown
/// request, too many descriptors, a bogus memory table, a ring outside the memory table). The session that
/// meets it closes that connection; the process carries on.
/// </summary>
public sealed class VhostUserProtocolException : Exception
{
    /// <summary>Creates the exception for <paramref name="request"/> with a readable <paramref name="message"/>.</summary>
    public VhostUserProtocolException(VhostUserRequest request, string message)
        : base(request == VhostUserRequest.None ? message : $"{request}: {message}") => Request = request;

    /// <summary>Creates the exception with a readable <paramref name="message"/>.</summary>
    public VhostUserProtocolException(string message) : this(VhostUserRequest.None, message) { }

    /// <summary>The request being handled, or <see cref="VhostUserRequest.None"/> when the header itself was bad.</summary>
    public VhostUserRequest Request { get; }

    /// <summary>
    /// True when the peer went away (hang-up, reset, a failed send) rather than sending something wrong: a
    /// front-end that tracks in-flight requests may reconnect after this one.
    /// </summary>
    public bool ConnectionLost { get; init; }
}
