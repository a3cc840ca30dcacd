using Virtsim.Actors.Actors;
using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;

namespace Virtsim.Actors.Refs;

/// <summary>A ref to an actor in this process: telling it enqueues straight into the actor's mailbox.</summary>
internal sealed class LocalActorRef : ActorRefBase
{
    private readonly ActorPath _path;
    private readonly long _uid;

    internal LocalActorRef(ActorCell cell, ActorPath path, long uid)
    {
        Cell = cell;
        _path = path;
        _uid = uid;
    }

    internal ActorCell Cell { get; }

    public override ActorPath Path => _path;

    public override long Uid => _uid;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(new Envelope(message, sender));
    }

    internal override void SendSystem(SystemMessage message) => Cell.Mailbox.PostSystem(message);
}
