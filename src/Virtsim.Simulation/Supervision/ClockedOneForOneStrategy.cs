using Akka.Actor;
using Akka.Actor.Internal;
using Virtsim.Simulation.Environment;

namespace Virtsim.Simulation.Supervision;

/// <summary>
/// Akka.NET's one-for-one strategy with the restart window measured on the actor system's clock: virtual under
/// simulation, real otherwise. (Akka.NET's own <see cref="OneForOneStrategy"/> counts its window on a real-time
/// clock, so under simulation whether a crash loop stops a child would depend on how fast the machine is.) A child
/// that needs more than <c>maxRestarts</c> restarts within <c>window</c> is stopped. An instance keeps per-child
/// counts: give every supervising actor its own.
/// </summary>
public sealed class ClockedOneForOneStrategy : OneForOneStrategy
{
    private readonly int _maxRestarts;
    private readonly TimeSpan _window;
    private readonly Dictionary<IActorRef, Queue<TimeSpan>> _restarts = new();

    /// <summary>Creates the strategy.</summary>
    /// <param name="maxRestarts">Restarts allowed within <paramref name="window"/>.</param>
    /// <param name="window">The window, on the system's clock.</param>
    /// <param name="decider">What to do with each failure.</param>
    public ClockedOneForOneStrategy(int maxRestarts, TimeSpan window, Func<Exception, Directive> decider)
        : base(-1, Timeout.InfiniteTimeSpan, decider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRestarts);
        _maxRestarts = maxRestarts;
        _window = window;
    }

    /// <inheritdoc />
    public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause, ChildRestartStats stats,
        IReadOnlyCollection<ChildRestartStats> children)
    {
        if (restart && MayRestart(child, ActorEnvironment.For(context.System).Clock.Elapsed))
            RestartChild(child, cause, suspendFirst: false);
        else
            context.Stop(child);
    }

    /// <inheritdoc />
    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
        _restarts.Remove(child);

    private bool MayRestart(IActorRef child, TimeSpan now)
    {
        if (!_restarts.TryGetValue(child, out var times)) _restarts[child] = times = new Queue<TimeSpan>();
        while (times.Count > 0 && now - times.Peek() > _window) times.Dequeue();
        if (times.Count >= _maxRestarts) return false;
        times.Enqueue(now);
        return true;
    }
}
