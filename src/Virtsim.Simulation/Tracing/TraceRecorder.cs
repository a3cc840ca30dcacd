using Akka.Actor;

namespace Virtsim.Simulation.Tracing;

/// <summary>One delivery as the trace sees it: what, to whom, when.</summary>
/// <param name="At">The virtual time.</param>
/// <param name="Receiver">The receiver's path (without the actor's UID).</param>
/// <param name="MessageType">The message's type name.</param>
public sealed record TraceEntry(TimeSpan At, string Receiver, string MessageType);

/// <summary>Records every delivery as a <see cref="TraceEntry"/>, to find where two runs diverge.</summary>
public sealed class TraceRecorder : IDeliveryObserver
{
    private readonly List<TraceEntry> _entries = new();

    /// <summary>The deliveries recorded so far, in order.</summary>
    public IReadOnlyList<TraceEntry> Entries => _entries;

    /// <inheritdoc />
    public void OnDelivered(TimeSpan at, IActorRef sender, IActorRef receiver, object message) =>
        _entries.Add(new TraceEntry(at, TracePath.Of(receiver.Path), message.GetType().FullName ?? message.GetType().Name));
}
