using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Messages;

/// <summary>
/// A reply that reports a failure. An <c>Ask</c> that receives it completes with an exception: the carried
/// <see cref="Cause"/> locally, or an <see cref="Exception"/> with <see cref="Reason"/> after crossing the wire.
/// </summary>
public sealed class StatusFailure : IWireMessage<StatusFailure>
{
    /// <summary>Creates a failure reply from an exception.</summary>
    public StatusFailure(Exception cause)
    {
        Cause = cause;
        Reason = cause.Message;
    }

    /// <summary>Creates a failure reply from a reason text.</summary>
    public StatusFailure(string reason)
    {
        Reason = reason;
        Cause = new Exception(reason);
    }

    /// <summary>The exception (reconstructed from <see cref="Reason"/> after the wire).</summary>
    public Exception Cause { get; }

    /// <summary>The failure's text.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public static ushort WireTypeId => 4;

    /// <inheritdoc />
    public void Write(ref WireWriter writer) => writer.WriteString(Reason);

    /// <inheritdoc />
    public static StatusFailure Read(ref WireReader reader) => new(reader.ReadString() ?? string.Empty);

    /// <inheritdoc />
    public override string ToString() => $"StatusFailure({Reason})";
}
