using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// The closed family of engine-internal messages. They travel in a separate per-actor queue, are processed before
/// ordinary messages and are never seen by actor code. Each instance is linked into at most one queue
/// (<see cref="Next"/> is intrusive), so every send allocates a fresh instance; they are rare.
/// </summary>
internal abstract class SystemMessage
{
    /// <summary>Intrusive link of the mailbox's system-message stack.</summary>
    internal SystemMessage? Next;
}

/// <summary>Create the actor instance and run PreStart.</summary>
internal sealed class Create : SystemMessage;

/// <summary>Stop the actor (children first, then PostStop, then notify watchers and parent).</summary>
internal sealed class Terminate : SystemMessage;

/// <summary>Let the actor continue after a failure, keeping its state.</summary>
internal sealed class Resume : SystemMessage;

/// <summary>Restart the actor after a failure: a fresh instance replaces the failed one.</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary><paramref name="watcher"/> wants a <see cref="Messages.Terminated"/> when <paramref name="watchee"/> stops.</summary>
internal sealed class Watch(ActorRefBase watchee, ActorRefBase watcher) : SystemMessage
{
    public ActorRefBase Watchee { get; } = watchee;
    public ActorRefBase Watcher { get; } = watcher;
}

/// <summary>Cancels a <see cref="Watch"/>.</summary>
internal sealed class Unwatch(ActorRefBase watchee, ActorRefBase watcher) : SystemMessage
{
    public ActorRefBase Watchee { get; } = watchee;
    public ActorRefBase Watcher { get; } = watcher;
}

/// <summary>Sent by a stopped actor to its watchers and to its parent.</summary>
internal sealed class DeathWatchNotification(IActorRef actor) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
}

/// <summary>A child reports that it failed and is suspended until its parent decides.</summary>
internal sealed class Failed(IActorRef child, Exception cause) : SystemMessage
{
    public IActorRef Child { get; } = child;
    public Exception Cause { get; } = cause;
}
