namespace Virtsim.Actors.Persistence;

/// <summary>Handlers registered by message type; the first whose type matches handles the message.</summary>
internal sealed class HandlerList
{
    private Handler[] _handlers = [];

    public void Add<T>(Action<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _handlers = [.. _handlers, new TypedHandler<T>(action)];
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

    private sealed class TypedHandler<T>(Action<T> action) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed) return false;
            action(typed);
            return true;
        }
    }
}
