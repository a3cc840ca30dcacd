using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Virtsim.Simulation.Interception;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Simulation.Engine;

/// <summary>
/// One actor's message queue under simulation: a growable ring (a deque, so stashing actors can put messages back
/// in front) touched only by the simulation thread, hence no locks. Each message taken is added to the run's trace;
/// a message enqueued from another thread is refused with a <see cref="NondeterminismException"/> naming it.
/// </summary>
public sealed class SimulationMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly IActorRef _owner;
    private readonly Simulator _simulator;
    private Envelope[] _ring = Array.Empty<Envelope>();
    private int _head;
    private ulong _receiverHash;

    internal SimulationMessageQueue(IActorRef owner, Simulator simulator)
    {
        _owner = owner;
        _simulator = simulator;
    }

    /// <inheritdoc />
    public bool HasMessages => Count > 0;

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (!_simulator.OnSimulationThread) FromAnotherThread(envelope, atFront: false, "was sent");
        else if (_simulator.Interceptor is { } interceptor) Intercepted(interceptor, envelope);
        else Add(envelope, atFront: false);
    }

    // The simulation's one interception point: every message sent to an actor passes here before its mailbox.
    private void Intercepted(IDeliveryInterceptor interceptor, Envelope envelope)
    {
        var decision = interceptor.Intercept(envelope.Sender, _owner, envelope.Message);
        switch (decision.Action)
        {
            case InterceptAction.Drop:
                return;
            case InterceptAction.Delay:
                _simulator.Release(decision.Delay, _owner, envelope.Message, envelope.Sender);
                return;
            case InterceptAction.Duplicate:
                Add(envelope, atFront: false);
                Add(new Envelope(decision.Replacement ?? envelope.Message, envelope.Sender), atFront: false);
                return;
            case InterceptAction.Overtake:
                Add(envelope, atFront: true);
                return;
            case InterceptAction.Replace:
                if (decision.Replacement is { } replacement) Add(new Envelope(replacement, envelope.Sender), atFront: false);
                return;
            default:
                Add(envelope, atFront: false);
                return;
        }
    }

    /// <inheritdoc />
    public void EnqueueFirst(Envelope envelope)
    {
        if (_simulator.OnSimulationThread) Add(envelope, atFront: true);
        else FromAnotherThread(envelope, atFront: true, "was put back");
    }

    // Apart from the callers: a lambda capturing their parameters would allocate its closure on every message.
    private void FromAnotherThread(Envelope envelope, bool atFront, string what) =>
        _simulator.Foreign(() => Add(envelope, atFront), $"a message {envelope.Message.GetType().FullName} to {_owner.Path} {what}");

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope)
    {
        if (Count == 0)
        {
            envelope = default;
            return false;
        }
        envelope = _ring[_head];
        _ring[_head] = default;
        _head = (_head + 1) & (_ring.Length - 1);
        Count--;
        // Hashed once per actor: the path is the same for every message, and computing it allocates.
        if (_receiverHash == 0) _receiverHash = TraceHash.Of(TracePath.Of(_owner.Path));
        _simulator.Delivered(_receiverHash, _owner, envelope);
        return true;
    }

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (Count > 0)
        {
            var envelope = _ring[_head];
            _ring[_head] = default;
            _head = (_head + 1) & (_ring.Length - 1);
            Count--;
            deadletters.Enqueue(owner, envelope);
        }
    }

    private void Add(Envelope envelope, bool atFront)
    {
        if (Count == _ring.Length) Grow();
        var mask = _ring.Length - 1;
        if (atFront)
        {
            _head = (_head - 1) & mask;
            _ring[_head] = envelope;
        }
        else
        {
            _ring[(_head + Count) & mask] = envelope;
        }
        Count++;
    }

    private void Grow()
    {
        // Starts small: most actors hold a message or two at a time, and idle actors should cost little memory.
        var bigger = new Envelope[_ring.Length == 0 ? 4 : _ring.Length * 2];
        for (var i = 0; i < Count; i++) bigger[i] = _ring[(_head + i) & (_ring.Length - 1)];
        _ring = bigger;
        _head = 0;
    }
}
