using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Events;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Messages;

namespace Virtsim.Actors.Refs;

/// <summary>
/// A ref with no live actor behind it: either the system's dead-letter ref or a ref to an actor that no longer
/// exists (or never existed). Everything told to it is published as a <see cref="DeadLetter"/>.
/// </summary>
internal sealed class DeadLetterActorRef : ActorRefBase
{
    private readonly ActorSystem _system;
    private readonly ActorPath _path;
    private readonly long _uid;

    internal DeadLetterActorRef(ActorSystem system, ActorPath path, long uid)
    {
        _system = system;
        _path = path;
        _uid = uid;
    }

    public override ActorPath Path => _path;
    public override long Uid => _uid;

    public override void Tell(object message, IActorRef? sender)
    {
        if (message is DeadLetter) return; // never loop
        _system.EventStream.Publish(new DeadLetter(message, sender, this));
    }

    internal override void SendSystem(SystemMessage message)
    {
        // A dead actor answers a watch at once with its termination.
        if (message is Watch w && w.Watchee.Equals(this))
            w.Watcher.SendSystem(new DeathWatchNotification(this));
    }
}
