using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Events;

/// <summary>
/// Publish/subscribe by type for observers of the whole system: dead letters, unhandled messages, errors, and
/// anything an application publishes. A subscription for a type receives every event assignable to it. Actor
/// subscribers get events as ordinary messages; callback subscribers are called synchronously on the publishing
/// thread (keep them short and thread-safe under the threaded dispatcher); exceptions they throw are
/// swallowed and traced.
/// </summary>
public sealed class EventStream
{
    private readonly Lock _lock = new();
    private volatile Subscription[] _subscriptions = [];

    /// <summary>Subscribes an actor to every event assignable to <typeparamref name="T"/>.</summary>
    public void Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Subscribes an actor to every event assignable to <paramref name="eventType"/>.</summary>
    public void Subscribe(IActorRef subscriber, Type eventType) =>
        Add(new Subscription(eventType, subscriber, null));

    /// <summary>Subscribes a callback to every event assignable to <typeparamref name="T"/>.</summary>
    /// <returns>Dispose to unsubscribe.</returns>
    public IDisposable Subscribe<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var s = new Subscription(typeof(T), null, e => handler((T)e));
        Add(s);
        return new Unsubscriber(this, s);
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber) => RemoveWhere(s => subscriber.Equals(s.Actor));

    /// <summary>Removes the subscription of <paramref name="subscriber"/> to <typeparamref name="T"/>.</summary>
    public void Unsubscribe<T>(IActorRef subscriber) => RemoveWhere(s => s.Type == typeof(T) && subscriber.Equals(s.Actor));

    /// <summary>True when some subscriber would receive an event of type <paramref name="eventType"/>.</summary>
    public bool HasSubscribers(Type eventType)
    {
        foreach (var s in _subscriptions)
            if (s.Type.IsAssignableFrom(eventType)) return true;
        return false;
    }

    /// <summary>Delivers <paramref name="event"/> to every matching subscriber.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        foreach (var s in _subscriptions)
        {
            if (!s.Type.IsAssignableFrom(type)) continue;
            if (s.Actor is not null)
            {
                s.Actor.Tell(@event, null);
                continue;
            }
            try
            {
                s.Callback!(@event);
            }
            catch (Exception ex)
            {
                // An observer's bug must not fail the actor that happened to publish.
                System.Diagnostics.Trace.TraceError($"Event stream subscriber for {s.Type.Name} threw: {ex}");
            }
        }
    }

    private void Add(Subscription s)
    {
        lock (_lock) _subscriptions = [.. _subscriptions, s];
    }

    private void RemoveWhere(Func<Subscription, bool> match)
    {
        lock (_lock) _subscriptions = _subscriptions.Where(s => !match(s)).ToArray();
    }

    private sealed record Subscription(Type Type, IActorRef? Actor, Action<object>? Callback);

    private sealed class Unsubscriber(EventStream stream, Subscription subscription) : IDisposable
    {
        public void Dispose() => stream.RemoveWhere(s => ReferenceEquals(s, subscription));
    }
}
