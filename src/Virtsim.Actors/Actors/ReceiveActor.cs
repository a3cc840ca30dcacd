namespace Virtsim.Actors.Actors;

/// <summary>
/// An actor whose behavior is a list of handlers registered by message type, usually in its constructor:
/// <code>Receive&lt;Ping&gt;(p =&gt; Sender.Tell(new Pong(p.Id)));</code>
/// The first registered handler whose type (and optional predicate) matches handles the message; otherwise it goes
/// to <see cref="ActorBase.Unhandled"/>. <see cref="Become"/> swaps the whole list.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerList _handlers = new();
    private HandlerList? _building;

    /// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler) => (_building ?? _handlers).Add(handler);

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="when"/> holds.</summary>
    protected void Receive<T>(Predicate<T> when, Action<T> handler) => (_building ?? _handlers).Add(handler, when);

    /// <summary>Handles any message not handled by an earlier registration.</summary>
    protected void ReceiveAny(Action<object> handler) => (_building ?? _handlers).Add(handler);

    /// <summary>
    /// Replaces the behavior: the handlers registered by <paramref name="configure"/> become the only ones.
    /// </summary>
    protected void Become(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        _building = new HandlerList();
        try
        {
            configure();
            _handlers = _building;
        }
        finally
        {
            _building = previous;
        }
    }

    /// <inheritdoc />
    protected sealed override bool OnReceive(object message) => _handlers.TryHandle(message);
}
