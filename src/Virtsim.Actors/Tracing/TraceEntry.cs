namespace Virtsim.Actors.Tracing;

/// <summary>One delivered message as recorded by a <see cref="TraceRecorder"/>.</summary>
/// <param name="SenderPath">The sender's path text, or "-" when there was none.</param>
/// <param name="ReceiverPath">The receiver's path text.</param>
/// <param name="MessageType">The full name of the message's type.</param>
public readonly record struct TraceEntry(string SenderPath, string ReceiverPath, string MessageType)
{
    /// <inheritdoc />
    public override string ToString() => $"{SenderPath} -> {ReceiverPath}: {MessageType}";
}
