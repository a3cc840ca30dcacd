namespace Virtsim.Actors.Actors;

/// <summary>
/// An actor whose behavior is a list of handlers registered by message type, usually in its constructor:
/// <code>Receive&lt;Ping&gt;(p =&gt; Sender.Tell(new Pong(p.Id)));</code>
/// The first registered handler whose type (and optional predicate) matches handles the message; otherwise it goes
/// to <see cref="ActorBase.Unhandled"/>. <see cref="Become"/> swaps the whole list.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private Handler[] _handlers = [];
    private List<Handler>? _building;

    /// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler) => Add(new TypedHandler<T>(handler, null));

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="when"/> holds.</summary>
    protected void Receive<T>(Predicate<T> when, Action<T> handler) => Add(new TypedHandler<T>(handler, when));

    /// <summary>Handles any message not handled by an earlier registration.</summary>
    protected void ReceiveAny(Action<object> handler) => Add(new TypedHandler<object>(handler, null));

    /// <summary>
    /// Replaces the behavior: the handlers registered by <paramref name="configure"/> become the only ones.
    /// </summary>
    protected void Become(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        _building = new List<Handler>();
        try
        {
            configure();
            _handlers = _building.ToArray();
        }
        finally
        {
            _building = previous;
        }
    }

    /// <inheritdoc />
    protected sealed override bool OnReceive(object message)
    {
        var handlers = _handlers;
        for (var i = 0; i < handlers.Length; i++)
            if (handlers[i].TryHandle(message)) return true;
        return false;
    }

    private void Add(Handler handler)
    {
        if (_building is not null) _building.Add(handler);
        else _handlers = [.. _handlers, handler];
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class TypedHandler<T>(Action<T> action, Predicate<T>? when) : Handler
    {
        private readonly Action<T> _action = action ?? throw new ArgumentNullException(nameof(action));

        public override bool TryHandle(object message)
        {
            if (message is not T typed || (when is not null && !when(typed))) return false;
            _action(typed);
            return true;
        }
    }
}
