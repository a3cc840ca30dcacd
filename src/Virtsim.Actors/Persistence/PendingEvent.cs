namespace Virtsim.Actors.Persistence;

/// <summary>An event waiting to be written, with the handler to run once it is.</summary>
internal readonly struct PendingEvent(object @event, Delegate handler, Action<object, Delegate> invoke)
{
    public object Event { get; } = @event;

    public void Run() => invoke(Event, handler);
}

/// <summary>One cached, allocation-free caller of <c>Action&lt;T&gt;</c> handlers per event type.</summary>
internal static class HandlerInvoker<T>
{
    public static readonly Action<object, Delegate> Instance = static (e, d) => ((Action<T>)d)((T)e);
}
