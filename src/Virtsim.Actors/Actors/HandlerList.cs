namespace Virtsim.Actors.Actors;

/// <summary>
/// Handlers registered by message type (and optional predicate); the first that matches handles the message.
/// Adding copies the array, so a handler may add handlers while the list is being walked, and walking it allocates
/// nothing.
/// </summary>
internal sealed class HandlerList
{
    private Handler[] _handlers = [];

    public void Add<T>(Action<T> action, Predicate<T>? when = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        _handlers = [.. _handlers, new TypedHandler<T>(action, when)];
    }

    public bool TryHandle(object message)
    {
        var handlers = _handlers;
        for (var i = 0; i < handlers.Length; i++)
            if (handlers[i].TryHandle(message)) return true;
        return false;
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class TypedHandler<T>(Action<T> action, Predicate<T>? when) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (when is not null && !when(typed))) return false;
            action(typed);
            return true;
        }
    }
}
